using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Reporting;

namespace EtcdForge.Download;

// DownloadEtcd's work: keep what obtained.json records when it fits the description (EtcdBinaries.Fits, the rule
// Plan's forecast applies too), else obtain a verified package, unpack it and record it.
public sealed class EtcdDownload(ArtifactLayout layout, DownloadSettings settings, ITransferDisplay display, TimeProvider clock, ICakeLog log)
{
    public sealed record Result(EtcdBinaries Binaries, bool Changed);

    public async Task<Result> RunAsync(EtcdSettings etcd)
    {
        var summary = new ChangeSummary("DownloadEtcd", log);
        var binaries = EtcdBinaries.TryLoad(layout) is { } recorded && recorded.Fits(etcd, layout, clock)
            ? Kept(recorded, etcd, summary)
            : await ObtainAsync(etcd, summary);
        summary.Finish();
        return new Result(binaries, summary.Changed);
    }

    // The warnings a fresh obtain would give about the same files, given again.
    private EtcdBinaries Kept(EtcdBinaries recorded, EtcdSettings etcd, ChangeSummary summary)
    {
        if (etcd.Archive is { } archive && LocalArchive.Expected(archive, etcd.Sha256).Sha256 is null) LocalArchive.WarnUnverified(archive, recorded.ArchiveSha256, log);
        if (recorded.Source == EtcdPackage.FromDistribution)
            new FallbackMemory(layout.Downloads, clock).Recent(ReleaseAsset.For(etcd.Version, etcd.DownloadUrl).ArchiveUri)?.WarnReused(recorded.Version, etcd.Version, log);
        summary.Unchanged(recorded.BinDir);
        return recorded;
    }

    private async Task<EtcdBinaries> ObtainAsync(EtcdSettings etcd, ChangeSummary summary)
    {
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // HttpDownloader bounds each transfer itself
        };
        var source = new EtcdPackageSource(
            new ReleaseDownload(layout.Downloads, new HttpDownloader(http, settings, clock, log), display, log),
            new DebianPackages(layout.Downloads, log),
            new FallbackMemory(layout.Downloads, clock),
            log);
        var package = await source.ObtainAsync(etcd, summary);
        var binaries = await new EtcdInstaller(layout).InstallAsync(package, etcd.Version, summary);
        if (binaries.Save(layout)) summary.Record($"wrote {layout.EtcdRecord}", $"etcd {binaries.Version} from {binaries.Source}");
        return binaries;
    }
}
