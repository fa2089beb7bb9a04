using EtcdForge.Download;
using EtcdForge.Image;
using EtcdForge.Packaging;
using EtcdForge.Planning;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("Package")]
[IsDependentOn(typeof(IssueCertsTask))]
[TaskDescription("Packs an offline install bundle per node, a client bundle and an etcd image under artifacts/<cluster>/bundles/")]
public sealed class PackageTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        // The obtained etcd, not the configured one: a distribution fallback may have brought another version.
        var etcd = EtcdBinaries.Load(context.Artifacts);
        var summary = new ChangeSummary("Package", context.Log);
        foreach (var outcome in BundleSet.Write(context.Cluster, context.Artifacts, etcd))
        {
            if (outcome.Changed)
            {
                summary.Record(outcome.Path, outcome.Why);
                context.Applied.Done(PlanStep.Bundle(outcome.Path, outcome.Why!));
            }
            else summary.Unchanged(outcome.Path);
        }
        var image = await EtcdImage.WriteAsync(context.Artifacts, etcd);
        if (image.Changed)
        {
            summary.Record(image.Path, image.Why);
            context.Applied.Done(PlanStep.Image(image.Why!));
        }
        else summary.Unchanged(image.Path);
        context.Log.Information("image {0}: ID {1}, digest {2} ({3})", image.Identity.Tag, image.Identity.Id, image.Identity.Digest, image.Contents);
        summary.Finish();
    }
}
