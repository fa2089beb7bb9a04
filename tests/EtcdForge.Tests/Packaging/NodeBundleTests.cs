using System.Formats.Tar;
using System.Text;
using EtcdForge.Artifacts;
using EtcdForge.Packaging;

namespace EtcdForge.Tests.Packaging;

public sealed class NodeBundleTests : PackagingTest
{
    private const UnixFileMode Rw = AtomicFile.PrivateMode;
    private const UnixFileMode Rwr = AtomicFile.PublicMode;
    private const UnixFileMode Rwx = AtomicFile.ExecutableMode;

    [Fact]
    public void Node_bundle_holds_exactly_its_own_files_with_the_right_modes()
    {
        BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
        var entries = PackagingFixture.ReadBundle(File.ReadAllBytes(Packed.Layout.NodeBundle("etcd2")));

        // The leaf files sit in a generation directory named after their content (see SslFiles).
        var generation = "ssl/" + SslFiles.GenerationName(new[] { Packed.Layout.ServerCert("etcd2"), Packed.Layout.ServerKey("etcd2"),
            Packed.Layout.PeerCert("etcd2"), Packed.Layout.PeerKey("etcd2") }.Select(File.ReadAllBytes));
        var expected = new Dictionary<string, UnixFileMode>
        {
            ["SHA256SUMS"] = Rwr,
            ["bin/"] = Rwx,
            ["bin/etcd"] = Rwx,
            ["bin/etcdctl"] = Rwx,
            ["etcd.conf.yml"] = Rwr,
            ["etcd.service"] = Rwr,
            ["install.sh"] = Rwx,
            ["ssl/"] = BundleEntry.PrivateDirectoryMode,
            ["ssl/etcd-root-ca.pem"] = Rwr,
            [$"{generation}/"] = BundleEntry.PrivateDirectoryMode,
            [$"{generation}/etcd2-key.pem"] = Rw,
            [$"{generation}/etcd2-peer-key.pem"] = Rw,
            [$"{generation}/etcd2-peer.pem"] = Rwr,
            [$"{generation}/etcd2.pem"] = Rwr,
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), entries.Keys.ToList());
        foreach (var (name, mode) in expected) Assert.Equal(mode, entries[name].Mode);
        Assert.All(entries.Values, e => Assert.Equal((0, 0, TarEntryFormat.Ustar, TarGzWriter.FixedTime), (e.Uid, e.Gid, e.Format, e.Mtime)));

        Assert.Equal(File.ReadAllBytes(Packed.Layout.ServerKey("etcd2")), entries[$"{generation}/etcd2-key.pem"].Content);
        Assert.Equal(File.ReadAllBytes(Packed.Layout.PeerKey("etcd2")), entries[$"{generation}/etcd2-peer-key.pem"].Content);
        var secrets = new[] { Packed.Layout.CaKey, Packed.Layout.ServerKey("etcd1"), Packed.Layout.PeerKey("etcd1"), Packed.Layout.ServerKey("etcd3"),
            Packed.Layout.PeerKey("etcd3"), Packed.Layout.ClientKey("client"), Packed.Layout.ClientKey("backup") };
        foreach (var secret in secrets.Select(File.ReadAllBytes))
        {
            Assert.DoesNotContain(entries.Values, e => e.Content.AsSpan().IndexOf(secret) >= 0);
        }
        Assert.Equal(Rw, File.GetUnixFileMode(Packed.Layout.NodeBundle("etcd2")));
    }

    [Fact]
    public void Sha256sums_covers_every_other_file_and_sha256sum_accepts_it()
    {
        BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
        var dir = Packed.Temp.Combine("unpacked");
        Directory.CreateDirectory(dir);
        ExternalTool.Succeed("tar", "-xzf", Packed.Layout.NodeBundle("etcd1"), "-C", dir);

        var listed = File.ReadAllLines(Path.Combine(dir, "SHA256SUMS")).Select(l => l[66..]).ToList();
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(dir, p)).Where(p => p != "SHA256SUMS").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, listed);
        Assert.Equal(0, ExternalTool.Run("sh", "-c", $"cd '{dir}' && sha256sum -c --quiet --strict SHA256SUMS").ExitCode);
    }

    [Fact]
    public void Client_bundle_holds_every_client_identity_the_ca_etcdctl_and_an_env_file()
    {
        BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
        var entries = PackagingFixture.ReadBundle(File.ReadAllBytes(Packed.Layout.ClientBundle));

        Assert.Equal(
            ["SHA256SUMS", "backup-key.pem", "backup.pem", "bin/", "bin/etcdctl", "client-key.pem", "client.pem", "etcd-root-ca.pem", "etcdctl.env"],
            entries.Keys.ToList());
        Assert.Equal(Rw, entries["client-key.pem"].Mode);
        Assert.Equal(Rw, entries["backup-key.pem"].Mode);
        Assert.Equal(Rwx, entries["bin/etcdctl"].Mode);
        var caKey = File.ReadAllBytes(Packed.Layout.CaKey);
        Assert.DoesNotContain(entries.Values, e => e.Content.AsSpan().IndexOf(caKey) >= 0);

        var env = Encoding.UTF8.GetString(entries["etcdctl.env"].Content);
        // Exported: a plain assignment would leave the etcdctl started next with its defaults.
        Assert.All(new[]
        {
            "export ETCDCTL_API=3\n",
            "export ETCDCTL_ENDPOINTS=https://127.0.0.11:2379,https://127.0.0.12:2379,https://127.0.0.13:2379\n",
            "export ETCDCTL_CACERT=\"$etcd_forge_here/etcd-root-ca.pem\"\n",
            "export ETCDCTL_CERT=\"$etcd_forge_here/client.pem\"\n",
            "export ETCDCTL_KEY=\"$etcd_forge_here/client-key.pem\"\n",
        }, line => Assert.Contains(line, env));
    }

    [Fact]
    public void Missing_certificates_name_the_target_that_makes_them()
    {
        File.Delete(Packed.Layout.PeerKey("etcd3"));
        var error = Assert.Throws<ForgeError>(() => BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd));
        Assert.Contains("etcd3-peer-key.pem", error.Message);
        Assert.Contains("IssueCerts", error.Message);
    }
}
