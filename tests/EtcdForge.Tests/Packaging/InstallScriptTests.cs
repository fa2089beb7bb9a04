using EtcdForge.Configuration;
using EtcdForge.Packaging;

namespace EtcdForge.Tests.Packaging;

public sealed class InstallScriptTests : PackagingTest
{
    // An SSH node's bundle carries the system paths; DESTDIR redirects them into the temp dir, so the test
    // needs no root and never touches the machine (ownership is then left alone, even when run as root).
    private (string Bundle, string DestDir) Unpack(string name = "bundle")
    {
        var node = Packed.Node("etcd1") with { Connection = new(ConnectionType.Ssh, "root", 22, null, null, null) };
        var bundle = Packed.Temp.Combine(name);
        Directory.CreateDirectory(bundle);
        var tar = Path.Combine(bundle, "..", $"{name}.tar.gz");
        File.WriteAllBytes(tar, Packed.Pack(NodeBundleBuilder.Build(node, Packed.Cluster, Packed.Layout, Packed.Etcd)));
        ExternalTool.Succeed("tar", "-xzf", tar, "-C", bundle);
        return (bundle, Packed.Temp.Combine("root"));
    }

    private static ToolResult Install(string bundle, string destDir) =>
        ExternalTool.RunWith("sh", new Dictionary<string, string> { ["DESTDIR"] = destDir }, Path.Combine(bundle, "install.sh"));

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    [Fact]
    public void Installs_with_the_right_modes_and_a_second_run_changes_nothing()
    {
        var (bundle, dest) = Unpack();
        var first = Install(bundle, dest);
        Assert.True(first.ExitCode == 0, first.Stderr);
        string D(string path) => dest + path;
        // etcd reads its leaf files through ssl/leaf, a link to the generation directory of this bundle.
        var generation = Path.GetFileName(Directory.GetDirectories(Path.Combine(bundle, "ssl")).Single());
        Assert.StartsWith("leaf-", generation);
        Assert.Equal(generation, new FileInfo(D("/etc/etcd/ssl/leaf")).LinkTarget);
        Assert.Contains($"install.sh: installed {dest}/etc/etcd/ssl/{generation}/etcd1-key.pem", first.Stdout);
        Assert.Contains($"install.sh: pointed {dest}/etc/etcd/ssl/leaf at {generation}", first.Stdout);
        Assert.Equal("755", Mode(D("/usr/local/bin/etcd")));
        Assert.Equal("755", Mode(D("/usr/local/bin/etcdctl")));
        Assert.False(File.Exists(D("/usr/local/bin/etcdutl")));
        Assert.Equal("700", Mode(D("/etc/etcd/ssl")));
        Assert.Equal("700", Mode(D("/var/lib/etcd")));
        Assert.Equal("700", Mode(D($"/etc/etcd/ssl/{generation}")));
        Assert.Equal("600", Mode(D("/etc/etcd/ssl/leaf/etcd1-key.pem")));
        Assert.Equal("600", Mode(D("/etc/etcd/ssl/leaf/etcd1-peer-key.pem")));
        Assert.Equal("644", Mode(D("/etc/etcd/ssl/leaf/etcd1.pem")));
        Assert.Equal("644", Mode(D("/etc/etcd/ssl/etcd-root-ca.pem")));
        Assert.Equal("644", Mode(D("/etc/etcd/etcd.conf.yml")));
        Assert.Equal("644", Mode(D("/etc/systemd/system/etcd.service")));
        Assert.Equal(File.ReadAllBytes(Packed.Layout.ServerKey("etcd1")), File.ReadAllBytes(D("/etc/etcd/ssl/leaf/etcd1-key.pem")));
        Assert.Equal(["etcd-root-ca.pem", "leaf"], Directory.GetFileSystemEntries(D("/etc/etcd/ssl")).Select(Path.GetFileName)
            .Where(n => n != generation).Order(StringComparer.Ordinal));
        Assert.Equal(["etcd1-key.pem", "etcd1-peer-key.pem", "etcd1-peer.pem", "etcd1.pem"],
            Directory.GetFiles(D($"/etc/etcd/ssl/{generation}")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var stamp = File.GetLastWriteTimeUtc(D("/usr/local/bin/etcd"));
        var second = Install(bundle, dest);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal("install.sh: nothing changed\n", second.Stdout);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(D("/usr/local/bin/etcd")));

        File.SetUnixFileMode(D($"/etc/etcd/ssl/{generation}/etcd1-key.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        File.AppendAllText(D("/etc/etcd/etcd.conf.yml"), "# local edit\n");
        var repair = Install(bundle, dest);
        Assert.Equal($"install.sh: mode of {dest}/etc/etcd/ssl/{generation}/etcd1-key.pem set to 600\ninstall.sh: installed {dest}/etc/etcd/etcd.conf.yml\ninstall.sh: 2 change(s)\n",
            repair.Stdout);
    }

    // A renewed bundle installs its certificates beside the running ones, then one rename of the link swaps
    // certificate and key together; the replaced generation is removed, nothing else is touched.
    [Fact]
    public void A_renewed_bundle_switches_the_leaf_link_and_removes_the_old_generation()
    {
        var (bundle, dest) = Unpack();
        Assert.Equal(0, Install(bundle, dest).ExitCode);
        var old = new FileInfo(dest + "/etc/etcd/ssl/leaf").LinkTarget;
        Packed.Reissue("etcd1");
        var (renewed, _) = Unpack("renewed");
        var generation = Path.GetFileName(Directory.GetDirectories(Path.Combine(renewed, "ssl")).Single());
        Assert.NotEqual(old, generation);

        var run = Install(renewed, dest);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var ssl = $"{dest}/etc/etcd/ssl";
        Assert.Equal(
            [$"install.sh: created {ssl}/{generation}", .. new[] { "etcd1.pem", "etcd1-key.pem", "etcd1-peer.pem", "etcd1-peer-key.pem" }.Select(f => $"install.sh: installed {ssl}/{generation}/{f}"),
             $"install.sh: pointed {ssl}/leaf at {generation}", $"install.sh: removed {ssl}/{old}", "install.sh: 7 change(s)"],
            run.Stdout.TrimEnd('\n').Split('\n'));
        Assert.Equal(File.ReadAllBytes(Packed.Layout.ServerCert("etcd1")), File.ReadAllBytes($"{ssl}/leaf/etcd1.pem"));
        Assert.False(Directory.Exists($"{ssl}/{old}"));
    }

    [Fact]
    public void Refuses_a_bundle_that_does_not_match_its_checksums()
    {
        var (bundle, dest) = Unpack();
        File.AppendAllText(Directory.GetFiles(Path.Combine(bundle, "ssl"), "etcd1.pem", SearchOption.AllDirectories).Single(), "tampered");
        var result = Install(bundle, dest);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("nothing installed", result.Stderr);
        Assert.False(Directory.Exists(dest));
    }
}
