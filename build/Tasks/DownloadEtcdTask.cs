using Cake.Common;
using EtcdForge.Download;
using EtcdForge.EtcdFlags;
using EtcdForge.Planning;

namespace EtcdForge.Tasks;

[TaskName("DownloadEtcd")]
[TaskDescription("Obtains verified etcd binaries (release, etcd.archive, or the distribution's packages) and records which version")]
public sealed class DownloadEtcdTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var display = TransferDisplay.For(
            TransferDisplay.IsInteractive(context.EnvironmentVariable("CI"), Console.IsOutputRedirected), context.Log);
        var result = await new EtcdDownload(context.Artifacts, DownloadSettings.Default, display, context.Clock, context.Log).RunAsync(context.Cluster.Etcd);
        if (result.Changed) context.Applied.Done(PlanStep.Obtain($"obtain etcd {result.Binaries.Version} from {result.Binaries.Origin}"));
        // extraFlags refused here, before InitCa, IssueCerts or Package write anything (see CheckedExtraFlags).
        CheckedExtraFlags.CheckAndRecord(context.Cluster, result.Binaries, context.Artifacts, context.Log);
    }
}
