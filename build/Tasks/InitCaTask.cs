using EtcdForge.Pki;
using EtcdForge.Planning;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("InitCa")]
[IsDependentOn(typeof(DownloadEtcdTask))]
[TaskDescription("Creates the cluster's root CA once; an existing CA is always kept")]
public sealed class InitCaTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var summary = new ChangeSummary("InitCa", context.Log);
        var result = new CaInitialization(context.Artifacts, context.Cluster.Pki, context.Clock).Run();
        foreach (var warning in result.Warnings) context.Log.Warning("{0}", warning);
        foreach (var change in result.Changes)
        {
            summary.Record(change.What, change.Reason);
            context.Applied.Done(PlanStep.Ca(change));
        }
        if (result.Changes.Count == 0) summary.Unchanged(context.Artifacts.CaCert);
        summary.Finish();
    }
}
