using Cake.Common;
using EtcdForge.Download;
using EtcdForge.EtcdFlags;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("DownloadEtcd")]
[TaskDescription("Obtains verified etcd binaries (release, etcd.archive, or the distribution's packages) and records which version")]
public sealed class DownloadEtcdTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var summary = new ChangeSummary("DownloadEtcd", context.Log);
        var layout = context.Artifacts;
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // HttpDownloader bounds each transfer itself
        };
        var display = TransferDisplay.For(
            TransferDisplay.IsInteractive(context.EnvironmentVariable("CI"), Console.IsOutputRedirected), context.Log);
        var downloader = new HttpDownloader(http, DownloadSettings.Default, context.Clock, context.Log);
        var source = new EtcdPackageSource(
            new ReleaseDownload(layout.Downloads, downloader, display, context.Log),
            new DebianPackages(layout.Downloads, context.Log),
            new FallbackMemory(layout.Downloads, context.Clock),
            context.Log);

        var package = await source.ObtainAsync(context.Cluster.Etcd, summary);
        var binaries = await new EtcdInstaller(layout).InstallAsync(package, context.Cluster.Etcd.Version, summary);
        if (binaries.Save(layout)) summary.Record($"wrote {layout.EtcdRecord}", $"etcd {binaries.Version} from {binaries.Source}");
        // extraFlags refused here, before InitCa, IssueCerts or Package write anything (see CheckedExtraFlags).
        CheckedExtraFlags.CheckAndRecord(context.Cluster, binaries, layout, summary);

        summary.Finish();
    }
}
