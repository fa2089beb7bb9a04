
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

        // Within the hour the release host is not asked again (on a machine without internet each ask costs time),
        // and apt is not asked either while its lists are unchanged: nothing is rewritten.
        var before = run.Files();
        var warnings = run.Log.Warnings.Count();
        await run.RunAsync(settings);
        Assert.Equal(before, run.Files());
        Assert.False(run.LastChanged!.Value);
        var reused = Assert.Single(run.Log.Warnings.Skip(warnings));
        Assert.Matches(@"^WARNING: 127\.0\.0\.1 was unreachable at .* \(Connection refused\); using Debian etcd-server 3\.4\.23 instead of " +
                       @"requested 3\.5\.21 without asking again until ", reused);

        // An hour later it is asked again.
        run.Clock = new Later(TimeSpan.FromMinutes(61));
        warnings = run.Log.Warnings.Count();
        await run.RunAsync(settings);
        Assert.Contains(run.Log.Warnings.Skip(warnings),
            w => w == "WARNING: 127.0.0.1 unreachable (Connection refused); using Debian etcd-server 3.4.23 instead of requested 3.5.21");
    }

    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }
}
