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
        var upgrade = await context.UpgradeAsync();
        if (upgrade.Kind == UpgradeDecision.Kind.Refused) throw new ForgeError($"{upgrade.Reason}; no node was changed");
        if (upgrade.IsUpgrade)
        {
            context.Log.Information("upgrade: {0}", upgrade.Reason);
            var backup = await context.NewBackupRun().RunAsync(default);
            context.Log.Information("upgrade: backup first: {0} (revision {1})", backup.Snapshot, backup.Record.Revision);
        }
        var runs = await context.Nodes.RunEachAsync(async (node, shell) =>
        {
            // An upgrading member's new binaries wait beside the old ones until its turn in BootstrapCluster.
            var plan = upgrade.Changes(node.Name) ? StagedBinaries.Stage(context.InstallPlans.Of(node)) : context.InstallPlans.Of(node);
            var outcome = await new NodeDeployer(shell, plan).DeployAsync(default);
            if (context.Services.ContainerOf(node) is not { } container) return outcome;
            var before = shell.BytesUploaded;
            return await MemberImage.EnsureLoadedAsync(node, shell, plan.Paths, container, default) is { } loaded
                ? outcome with { Changes = [.. outcome.Changes, loaded], BytesUploaded = outcome.BytesUploaded + shell.BytesUploaded - before }
                : outcome;
        });
        // The nodes that made it are reported (lines and deploy.json) even when others failed, so a partial
        // run says what it did before it stops.
        var summary = new ChangeSummary("DeployNodes", context.Log);
        var entries = new List<DeployReport.Entry>();
        foreach (var run in runs)
        {
            if (run.Failed || run.Result is not { } outcome)
            {
                context.Log.Information("[{0}] not deployed (failed, see above)", run.Node.Name);
                entries.Add(DeployReport.Failed(run.Error!));
                continue;
            }
            foreach (var change in outcome.Changes) summary.Record($"[{outcome.Node}] {change}");
            context.Log.Information("[{0}] {1}", outcome.Node, outcome.Changes.Count == 0
                ? "up to date, nothing uploaded"
                : $"{outcome.Changes.Count} change(s), {outcome.BytesUploaded:N0} bytes uploaded");
            entries.Add(DeployReport.Deployed(outcome));
        }
        DeployReport.Write(context.Artifacts, entries);
        NodeFanOut.ThrowIfAnyFailed(runs);
        summary.Finish();
    }
}
