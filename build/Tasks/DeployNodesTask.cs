using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Deploy;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("DeployNodes")]
[TaskDescription("Installs each node's bundle: etcd user, private directories, and only the files that differ")]
[IsDependentOn(typeof(PackageTask))]
public sealed class DeployNodesTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var outcomes = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var plan = context.InstallPlanOf(node);
            return await new NodeDeployer(shell, plan).DeployAsync(default);
        });
        var summary = new ChangeSummary("DeployNodes", context.Log);
        foreach (var outcome in outcomes)
        {
            foreach (var change in outcome.Changes) summary.Record($"[{outcome.Node}] {change}");
            context.Log.Information("[{0}] {1}", outcome.Node, outcome.Changes.Count == 0
                ? "up to date, nothing uploaded"
                : $"{outcome.Changes.Count} change(s), {outcome.BytesUploaded:N0} bytes uploaded");
        }
        DeployReport.Write(context.Artifacts, outcomes);
        summary.Finish();
    }
}
