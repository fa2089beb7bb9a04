using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Download;

// Needs the Debian package registry and apt lists (apt-get update), as the real fallback does.
public sealed class DistributionFallbackTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Unreachable_host_with_fallback_uses_debian_packages_and_says_so()
    {
        var run = new DownloadRun(_temp);
        var closed = $"http://127.0.0.1:{ReleaseServer.FreePort()}";
        var settings = DownloadRun.Settings(closed, fallback: true, version: "3.5.21");

        var binaries = await run.RunAsync(settings);

        Assert.Equal("distribution", binaries.Source);
        Assert.Equal("3.5.21", binaries.RequestedVersion);
        Assert.Equal("3.4.23", binaries.Version);
        Assert.StartsWith("debian:etcd-server=3.4.23", binaries.Origin);
        var serverDeb = Directory.GetFiles(Path.Combine(run.Layout.Downloads, "debian"), "etcd-server_*.deb").Single();
        Assert.Equal(ReleaseArchives.Sha256(File.ReadAllBytes(serverDeb)), binaries.ArchiveSha256);
        Assert.Equal(File.ReadAllBytes("/usr/bin/etcd"), File.ReadAllBytes(binaries.Etcd));
        Assert.True(File.Exists(binaries.Etcdctl));
        Assert.Contains(run.Log.Warnings,
            w => w == "WARNING: 127.0.0.1 unreachable (Connection refused); using Debian etcd-server 3.4.23 instead of requested 3.5.21");

        var before = run.Files();
        await run.RunAsync(settings);
        Assert.Equal(before, run.Files());
        Assert.False(run.LastSummary!.Changed);
    }
}
