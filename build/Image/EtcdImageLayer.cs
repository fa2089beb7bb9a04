using System.Text;
using EtcdForge.Artifacts;
using EtcdForge.Download;
using EtcdForge.Packaging;

namespace EtcdForge.Image;

// The one layer of the etcd image: the binaries under /usr/local/bin, what a dynamically linked binary needs to
// load (see ElfDependencies), a passwd/group naming the non-root user, and a data directory that user owns.
// No shell, no package manager: nothing an attacker inside the container could use that etcd does not need.
public static class EtcdImageLayer
{
    public const int UserId = 65532; // the "nonroot" id of distroless images, which etcd's own 3.6 images use
    public const string DataDir = "/var/lib/etcd";

    public sealed record Contents(IReadOnlyList<BundleEntry> Entries, IReadOnlyList<string> Libraries);

    public static async Task<Contents> BuildAsync(EtcdBinaries etcd)
    {
        var binaries = new[] { etcd.Etcd, etcd.Etcdctl, etcd.Etcdutl }.Where(File.Exists).ToList();
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var binary in binaries) libraries.UnionWith(await ElfDependencies.OfAsync(binary));

        var files = new List<BundleEntry>
        {
            BundleEntry.Text("etc/passwd", $"root:x:0:0:root:/root:/sbin/nologin\netcd:x:{UserId}:{UserId}:etcd:{DataDir}:/sbin/nologin\n"),
            BundleEntry.Text("etc/group", $"root:x:0:\netcd:x:{UserId}:\n"),
        };
        files.AddRange(binaries.Select(b => BundleEntry.FromFile($"usr/local/bin/{Path.GetFileName(b)}", b, AtomicFile.ExecutableMode)));
        // The library's content under the path the loader asks for (symlinks such as /lib64/ld-linux-x86-64.so.2 resolved).
        files.AddRange(libraries.Select(l => BundleEntry.FromFile(l.TrimStart('/'), l, AtomicFile.ExecutableMode)));

        var directories = files.SelectMany(f => Parents(f.Path)).Distinct(StringComparer.Ordinal)
            .Select(d => BundleEntry.Directory(d)).ToList();
        directories.Add(BundleEntry.Directory(DataDir.TrimStart('/'), BundleEntry.PrivateDirectoryMode) with { Owner = UserId });
        directories.AddRange(Parents(DataDir.TrimStart('/')).Where(d => directories.All(e => e.Path != d)).Select(d => BundleEntry.Directory(d)));
        return new Contents([.. directories, .. files], [.. libraries]);
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir)) yield return dir;
    }

    public static string Describe(Contents contents) => contents.Libraries.Count == 0
        ? "static binaries"
        : new StringBuilder("dynamically linked; with ").AppendJoin(", ", contents.Libraries).ToString();
}
