using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;

namespace EtcdForge.Tests.Download;

// DownloadEtcd as the task runs it, with short backoffs and an artifacts root per test.
public sealed class DownloadRun(TempDir temp)
{
    public ArtifactLayout Layout { get; } = new(temp.Combine("artifacts"), "test");
    public RecordingLog Log { get; } = new();
    public bool? LastChanged { get; private set; }

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
        var result = await new EtcdDownload(Layout, DownloadSettings.Default with { FirstBackoff = TimeSpan.FromMilliseconds(50) },
            new LogLineProgress(Log), Clock, Log).RunAsync(etcd);
        LastChanged = result.Changed;
        return result.Binaries;
    }

    // Every file under the artifacts root, for "nothing left behind" and "nothing rewritten" checks.
    public IReadOnlyDictionary<string, DateTime> Files() =>
        Directory.Exists(Layout.Root)
            ? Directory.GetFiles(Layout.Root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc)
            : new Dictionary<string, DateTime>();

    public IReadOnlyList<string> Directories() =>
        Directory.Exists(Layout.Root) ? Directory.GetDirectories(Layout.Root, "*", SearchOption.AllDirectories) : [];
}
