using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;
using EtcdForge.Reporting;

namespace EtcdForge.Tests.Download;

// The DownloadEtcd recipe as the task wires it, with short backoffs and an artifacts root per test.
public sealed class DownloadRun(TempDir temp)
{
    public ArtifactLayout Layout { get; } = new(temp.Combine("artifacts"), "test");
    public RecordingLog Log { get; } = new();
    public ChangeSummary? LastSummary { get; private set; }

    public static EtcdSettings Settings(string downloadUrl, string? sha256 = null, string? archive = null,
        bool fallback = false, string version = ReleaseArchives.Version)
    {
        EtcdVersion.TryParse(version, out var v);
        return new EtcdSettings(v, downloadUrl, sha256, archive, fallback, 2379, 2380, "/var/lib/etcd", 100, 1000,
            10000, 2L << 30, "1");
    }

    // What "now" is for the fallback's memory (FallbackMemory); tests move it on.
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public async Task<EtcdBinaries> RunAsync(EtcdSettings etcd)
    {
        var summary = LastSummary = new ChangeSummary("DownloadEtcd", Log);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var downloader = new HttpDownloader(http,
            DownloadSettings.Default with { FirstBackoff = TimeSpan.FromMilliseconds(50) }, TimeProvider.System, Log);
        var source = new EtcdPackageSource(
            new ReleaseDownload(Layout.Downloads, downloader, new LogLineProgress(Log), Log),
            new DebianPackages(Layout.Downloads, Log), new FallbackMemory(Layout.Downloads, Clock), Log);
        var package = await source.ObtainAsync(etcd, summary);
        var binaries = await new EtcdInstaller(Layout).InstallAsync(package, etcd.Version, summary);
        if (binaries.Save(Layout)) summary.Record("wrote record");
        summary.Finish();
        return binaries;
    }

    // Every file under the artifacts root, for "nothing left behind" and "nothing rewritten" checks.
    public IReadOnlyDictionary<string, DateTime> Files() =>
        Directory.Exists(Layout.Root)
            ? Directory.GetFiles(Layout.Root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc)
            : new Dictionary<string, DateTime>();

    public IReadOnlyList<string> Directories() =>
        Directory.Exists(Layout.Root) ? Directory.GetDirectories(Layout.Root, "*", SearchOption.AllDirectories) : [];
}
