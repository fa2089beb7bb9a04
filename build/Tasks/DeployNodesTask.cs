using EtcdForge.Deploy;
using EtcdForge.Docker;
using EtcdForge.Nodes;
using EtcdForge.Reporting;
using EtcdForge.Upgrade;

namespace EtcdForge.Tasks;

[TaskName("DeployNodes")]
[TaskDescription("Installs each node's bundle: etcd user, private directories, and only the files that differ")]
[IsDependentOn(typeof(PackageTask))]
public sealed class DeployNodesTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        // Before any node is touched: a refused version change changes nothing, and an upgrade starts with a backup.
        var plan = await context.PlanAsync();
        plan.ThrowRefusals("DeployNodes");
        var upgrade = plan.Members.Upgrade;
        if (upgrade.IsUpgrade)
        {
            context.Log.Information("upgrade: {0}", upgrade.Reason);
            var backup = await context.NewBackupRun().RunAsync(default);
            context.Log.Information("upgrade: backup first: {0} (revision {1})", backup.Snapshot, backup.Record.Revision);
            context.Applied.Done(plan.StepOf(s => s.Action == "backup", "the backup before the upgrade"), $"{backup.Snapshot}, revision {backup.Record.Revision}");
        }
        var installs = context.Cluster.Nodes.Where(n => plan.Members.Installs.Contains(n.Name)).ToList();
        var runs = await context.NodesOf(installs).RunEachAsync(async (node, shell) =>
        {
            // An upgrading member's new binaries wait beside the old ones until its turn in BootstrapCluster.
            var staged = StagedBinaries.AsDeployed(context.InstallPlans.Of(node), upgrade);
            var outcome = await new NodeDeployer(shell, staged).DeployAsync(default);
            if (context.Services.ContainerOf(node) is not { } container) return outcome;
            var before = shell.BytesUploaded;
            return await MemberImage.EnsureLoadedAsync(node, shell, staged.Paths, container, default) is { } loaded
                ? outcome with { Changes = [.. outcome.Changes, loaded], BytesUploaded = outcome.BytesUploaded + shell.BytesUploaded - before }
                : outcome;
        });
        // The nodes that made it are reported (lines and deploy.json) even when others failed, so a partial
        // run says what it did before it stops. Nodes the plan found up to date were compared while planning.
        var summary = new ChangeSummary("DeployNodes", context.Log);
        var entries = new List<DeployReport.Entry>();
        foreach (var node in context.Cluster.Nodes)
        {
            if (runs.FirstOrDefault(r => r.Node == node) is not { } run)
            {
                var compared = plan.Observation.Nodes.Single(n => n.Node == node).Compared!;
                context.Log.Information("[{0}] up to date, nothing uploaded", node.Name);
                entries.Add(DeployReport.Deployed(compared));
                continue;
            }
            var step = plan.StepOf(s => s.Action == "install" && s.Node == node.Name, $"installing on {node.Name}");
            if (run.Failed || run.Result is not { } outcome)
            {
                context.Log.Information("[{0}] not deployed (failed, see above)", node.Name);
                entries.Add(DeployReport.Failed(run.Error!));
                context.Applied.Failed(step, run.Error!.Detail);
                continue;
            }
            foreach (var change in outcome.Changes) summary.Record($"[{outcome.Node}] {change}");
            context.Log.Information("[{0}] {1}", outcome.Node, outcome.Changes.Count == 0
                ? "up to date, nothing uploaded"
                : $"{outcome.Changes.Count} change(s), {outcome.BytesUploaded:N0} bytes uploaded");
            entries.Add(DeployReport.Deployed(outcome));
            context.Applied.Done(step, $"{outcome.Changes.Count} change(s), {outcome.BytesUploaded:N0} bytes uploaded");
        }
        DeployReport.Write(context.Artifacts, entries);
        // The nodes that were up to date finished too: the error line says so, as it does for those deployed.
        NodeFanOut.ThrowIfAnyFailed([.. context.Cluster.Nodes.Select(n => runs.FirstOrDefault(r => r.Node == n)
            ?? new NodeFanOut.Run<NodeDeployer.Outcome>(n, null, null))]);
        summary.Finish();
    }
}
