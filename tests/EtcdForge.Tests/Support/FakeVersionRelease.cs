using System.Formats.Tar;
using System.IO.Compression;
using EtcdForge.Tests.Pki;

namespace EtcdForge.Tests.Support;

// A release-shaped archive (etcd-vX-linux-amd64/etcd, etcdctl, etcdutl) for a version that exists nowhere on this
// machine (etcd 3.6): each tool is a real ELF executable compiled here with gcc, so every check the host makes of a
// Linux binary (ELF header, ldd) passes, and it answers `--version` as that release does. Anything else it is asked
// exits 1 (one binary under three names; it prints what argv[0] names), so a test that ever got as far as running it as a member would fail loudly, never pass by accident.
internal static class FakeVersionRelease
{
    public static string Build(string directory, string version)
    {
        var top = $"etcd-v{version}-linux-amd64";
        var source = Path.Combine(directory, "version-only.c");
        var minor = string.Join('.', version.Split('.').Take(2));
        File.WriteAllText(source, $$"""
            #include <stdio.h>
            #include <string.h>
            int main(int argc, char **argv) {
                const char *slash = strrchr(argv[0], '/');
                const char *tool = slash ? slash + 1 : argv[0];
                if (argc != 2 || (strcmp(argv[1], "--version") != 0 && strcmp(argv[1], "version") != 0)) {
                    fprintf(stderr, "%s: a version-only stand-in for etcd {{version}}; it only answers --version\n", tool);
                    return 1;
                }
                if (strcmp(tool, "etcd") == 0)
                    printf("etcd Version: {{version}}\nGit SHA: 0000000\nGo Version: go1.23.0\nGo OS/Arch: linux/amd64\n");
                else
                    printf("%s version: {{version}}\nAPI version: {{minor}}\n", tool);
                return 0;
            }
            """);
        var binary = Path.Combine(directory, "version-only");
        var gcc = ExternalTool.Run("gcc", "-O1", "-o", binary, source);
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"gcc could not build the {version} stand-in (tests/prerequisites.sh installs gcc): {gcc.Stderr}");
        var archive = Path.Combine(directory, top + ".tar.gz");
        using (var output = File.Create(archive))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, top + "/") { Mode = (UnixFileMode)0b111_101_101 });
            foreach (var tool in new[] { "etcd", "etcdctl", "etcdutl" })
            {
                tar.WriteEntry(binary, $"{top}/{tool}");
            }
        }
        return archive;
    }
}
