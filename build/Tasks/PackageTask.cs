using Cake.Frosting;
using EtcdForge.Download;
using EtcdForge.Packaging;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("Package")]
[IsDependentOn(typeof(IssueCertsTask))]
[TaskDescription("Packs an offline install bundle per node and a client bundle under artifacts/<cluster>/bundles/")]
public sealed class PackageTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        // The obtained etcd, not the configured one: a distribution fallback may have brought another version.
        var etcd = EtcdBinaries.Load(context.Artifacts);
        var summary = new ChangeSummary("Package", context.Log);
        foreach (var outcome in BundleSet.Write(context.Cluster, context.Artifacts, etcd))
        {
            if (outcome.Changed) summary.Record(outcome.Path, outcome.Why);
            else summary.Unchanged(outcome.Path);
        }
        summary.Finish();
    }
}
