using System.IO.Compression;
using EtcdForge.Artifacts;
using EtcdForge.Nodes;
using EtcdForge.Packaging;

namespace EtcdForge.Tests.Packaging;

public sealed class ReproducibilityTests : PackagingTest
{
    [Fact]
    public void Same_inputs_give_the_same_bytes()
    {
        var first = Packed.Pack(NodeBundleBuilder.Build(Packed.Node("etcd1"), Packed.Cluster, Packed.Layout, Packed.Etcd));
        var cached = Directory.GetFiles(Packed.Layout.CompressedMembers);
        var second = Packed.Pack(NodeBundleBuilder.Build(Packed.Node("etcd1"), Packed.Cluster, Packed.Layout, Packed.Etcd).Reverse());
        Assert.Equal(first, second);
        // Compressed without the cache, the binaries' members are the same bytes.
        foreach (var member in cached) File.Delete(member);
        Assert.Equal(first, Packed.Pack(NodeBundleBuilder.Build(Packed.Node("etcd1"), Packed.Cluster, Packed.Layout, Packed.Etcd)));
        // No timestamp and no build-machine OS byte in the gzip header.
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 }, first[..10]);
    }

    [Fact]
    public void A_second_run_rewrites_nothing_and_a_reissued_cert_rebuilds_only_its_bundle()
    {
        var initial = BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
        Assert.All(initial, o => Assert.Equal("new", o.Why));
        var files = initial.Select(o => o.Path).ToList();
        var stamps = files.ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var bytes = files.ToDictionary(f => f, File.ReadAllBytes);
        Thread.Sleep(20);

        Assert.All(BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd), o => Assert.False(o.Changed, $"{o.Path}: {o.Why}"));
        Assert.All(files, f => Assert.Equal(stamps[f], File.GetLastWriteTimeUtc(f)));

        Packed.Reissue("etcd2");
        var third = BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
        var changed = Assert.Single(third, o => o.Changed);
        Assert.Equal(Packed.Layout.NodeBundle("etcd2"), changed.Path);
        // A reissue is a new leaf generation directory, and install.sh switches to it by name.
        Assert.Matches(@"^SHA256SUMS changed, install\.sh changed, ssl/leaf-[0-9a-f]{16} added, ssl/leaf-[0-9a-f]{16}/etcd2-key\.pem added, " +
                       @"ssl/leaf-[0-9a-f]{16}/etcd2-peer-key\.pem added, ssl/leaf-[0-9a-f]{16}/etcd2-peer\.pem added, ssl/leaf-[0-9a-f]{16}/etcd2\.pem added, " +
                       @"ssl/leaf-[0-9a-f]{16} removed, ssl/leaf-[0-9a-f]{16}/etcd2-key\.pem removed, .*removed$", changed.Why);
        Assert.All(files.Where(f => f != changed.Path), f => Assert.Equal(bytes[f], File.ReadAllBytes(f)));
    }

    // A bundle with the same content but other gzip bytes (here: one member, packed at another level, as an older
    // etcd-forge or another tool would) is unpacked and compared, and left exactly as it is.
    [Fact]
    public void A_bundle_with_the_same_content_is_kept_without_recompressing()
    {
        var path = Packed.Layout.NodeBundle("etcd1");
        var entries = NodeBundleBuilder.Build(Packed.Node("etcd1"), Packed.Cluster, Packed.Layout, Packed.Etcd);
        var otherPacking = new MemoryStream();
        using (var gzip = new GZipStream(otherPacking, CompressionLevel.Optimal, leaveOpen: true)) TarGzWriter.WriteTar(entries, gzip);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, otherPacking.ToArray(), AtomicFile.PrivateMode);
        Assert.NotEqual(Packed.Pack(entries), otherPacking.ToArray());

        var outcome = BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd).Single(o => o.Path == path);

        Assert.False(outcome.Changed, outcome.Why);
        Assert.Equal(otherPacking.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_damaged_or_loosened_bundle_is_rewritten()
    {
        BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
        var truncated = Packed.Layout.NodeBundle("etcd1");
        var good = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        var loosened = Packed.Layout.NodeBundle("etcd2");
        File.SetUnixFileMode(loosened, AtomicFile.PublicMode);

        var outcomes = BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd).ToDictionary(o => o.Path);

        Assert.True(outcomes[truncated].Changed);
        Assert.Equal(good, File.ReadAllBytes(truncated));
        Assert.True(outcomes[loosened].Changed);
        Assert.Equal(AtomicFile.PrivateMode, File.GetUnixFileMode(loosened));
    }

    // Bundles are packed in parallel; a user's mistake must still come out as the one-line ForgeError.
    [Fact]
    public void A_missing_certificate_is_reported_as_itself()
    {
        File.Delete(Packed.Layout.PeerCert("etcd3"));

        var error = Assert.Throws<ForgeError>(() => BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd));

        Assert.Equal($"{Packed.Layout.PeerCert("etcd3")} is missing: run --target=IssueCerts first", error.Message);
    }

    // The etcd binaries are a gzip member of their own, compressed once into the shared cache and the same bytes in
    // every node's bundle; real gzip reads such a multi-member file as one stream.
    [Fact]
    public void Every_bundle_carries_the_same_compressed_binaries_and_gzip_accepts_it()
    {
        var outcomes = BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
        var members = Directory.GetFiles(Packed.Layout.CompressedMembers).Select(File.ReadAllBytes).ToList();
        Assert.Equal(2, members.Count); // bin/etcd and bin/etcdctl

        foreach (var node in Packed.Cluster.Nodes)
        {
            var bundle = File.ReadAllBytes(Packed.Layout.NodeBundle(node.Name));
            Assert.All(members, member => Assert.True(bundle.AsSpan().IndexOf(member) > 0, $"{node.Name}: a binary's member not found"));
        }
        Assert.All(outcomes, o => ExternalTool.Succeed("gzip", "-t", o.Path));
        Assert.All(members, member => Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 }, member[..10]));
    }

    // The restart rule: etcd re-reads leaf certificates per handshake, so renewing them leaves the start-up
    // fingerprint alone; a new trust bundle (CA) changes it, since etcd reads that only at start.
    [Fact]
    public void Renewed_leaves_keep_the_restart_fingerprint_and_a_new_ca_changes_it()
    {
        EtcdForge.Deploy.NodeInstallPlan Plan()
        {
            BundleSet.Write(Packed.Cluster, Packed.Layout, Packed.Etcd);
            var node = Packed.Node("etcd2");
            return EtcdForge.Deploy.NodeInstallPlan.FromBundle(node, EtcdForge.Nodes.NodePaths.For(node, Packed.Cluster, Packed.Layout), Packed.Layout.NodeBundle("etcd2"));
        }
        var before = Plan();
        Packed.Reissue("etcd2");
        var renewed = Plan();
        Assert.NotEqual(before.LeafGeneration, renewed.LeafGeneration);
        Assert.Equal(before.Fingerprint, renewed.Fingerprint);

        File.AppendAllText(Packed.Layout.CaCert, File.ReadAllText(Packed.Layout.CaCert));
        Assert.NotEqual(before.Fingerprint, Plan().Fingerprint);
    }
}
