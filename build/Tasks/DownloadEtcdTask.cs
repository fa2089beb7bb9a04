using Cake.Common;
using EtcdForge.Download;
using EtcdForge.EtcdFlags;

namespace EtcdForge.Tasks;

[TaskName("DownloadEtcd")]
[TaskDescription("Obtains verified etcd binaries (release, etcd.archive, or the distribution's packages) and records which version")]
public sealed class DownloadEtcdTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var display = TransferDisplay.For(
            TransferDisplay.IsInteractive(context.EnvironmentVariable("CI"), Console.IsOutputRedirected), context.Log);
        var obtained = await new EtcdDownload(context.Artifacts, DownloadSettings.Default, display, context.Clock, context.Log).RunAsync(context.Cluster.Etcd);
        // extraFlags refused here, before InitCa, IssueCerts or Package write anything (see CheckedExtraFlags).
        CheckedExtraFlags.CheckAndRecord(context.Cluster, obtained.Binaries, context.Artifacts, context.Log);
    }
}
