using EtcdForge.Packaging;

namespace EtcdForge.Tests.Packaging;

public sealed class ReproducibilityTests : IDisposable
{
    private readonly PackagingFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Same_inputs_give_the_same_bytes()
    {
        var first = TarGzWriter.Write(NodeBundleBuilder.Build(_f.Node("etcd1"), _f.Cluster, _f.Layout, _f.Etcd));
        var second = TarGzWriter.Write(NodeBundleBuilder.Build(_f.Node("etcd1"), _f.Cluster, _f.Layout, _f.Etcd).Reverse());
        Assert.Equal(first, second);
        // No timestamp and no build-machine OS byte in the gzip header.
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 }, first[..10]);
    }

    [Fact]
    public void A_second_run_rewrites_nothing_and_a_reissued_cert_rebuilds_only_its_bundle()
    {
        var initial = BundleSet.Write(_f.Cluster, _f.Layout, _f.Etcd);
        Assert.All(initial, o => Assert.Equal("new", o.Why));
        var files = initial.Select(o => o.Path).ToList();
        var stamps = files.ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var bytes = files.ToDictionary(f => f, File.ReadAllBytes);
        Thread.Sleep(20);

        Assert.All(BundleSet.Write(_f.Cluster, _f.Layout, _f.Etcd), o => Assert.False(o.Changed, $"{o.Path}: {o.Why}"));
        Assert.All(files, f => Assert.Equal(stamps[f], File.GetLastWriteTimeUtc(f)));

        _f.Reissue("etcd2");
        var third = BundleSet.Write(_f.Cluster, _f.Layout, _f.Etcd);
        var changed = Assert.Single(third, o => o.Changed);
        Assert.Equal(_f.Layout.NodeBundle("etcd2"), changed.Path);
        Assert.Equal("SHA256SUMS changed, ssl/etcd2-key.pem changed, ssl/etcd2.pem changed", changed.Why);
        Assert.All(files.Where(f => f != changed.Path), f => Assert.Equal(bytes[f], File.ReadAllBytes(f)));
    }
}
