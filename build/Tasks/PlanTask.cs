using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Deploy;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Tasks;

[TaskName("Plan")]
[TaskDescription("Shows what DeployNodes and BootstrapCluster would change on each node, using read-only checks")]
[IsDependentOn(typeof(PackageTask))]
public sealed class PlanTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var upgrade = await context.UpgradeAsync();
        switch (upgrade.Kind)
        {
            case UpgradeDecision.Kind.Refused:
                context.Log.Information("[cluster] would refuse the version change, before touching any node: {0}", upgrade.Reason);
                context.Log.Information("Plan: DeployNodes would stop here; nothing on the nodes would change");
                return;
            case UpgradeDecision.Kind.Upgrade:
                context.Log.Information("[cluster] would upgrade etcd {0} -> {1}", upgrade.From, upgrade.To);
                context.Log.Information("[cluster] member order: {0} (followers first, the leader last; each ready before the next)", string.Join(", ", upgrade.Order));
                context.Log.Information("[cluster] backup first: {0}", context.Backups.PredictedName(context.Clock.GetUtcNow()));
                break;
        }
        var plans = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var plan = upgrade.Changes(node.Name) ? StagedBinaries.Stage(context.InstallPlanOf(node)) : context.InstallPlanOf(node);
            var files = await new NodeDeployer(shell, plan).PlanAsync(default);
            var state = await EtcdService.For(node, shell, context.PathsOf(node)).StateAsync(default);
            var action = upgrade.Changes(node.Name)
                ? $"upgrade etcd to {upgrade.To} at its turn (new binaries staged beside the old until then)"
                : !state.Running
                ? (state.HasData ? "start etcd (rejoins with its data)" : "start etcd as a new member")
                // BootstrapCluster's rule: a restart only when the deployed bundle differs from the one etcd started with.
                : state.StartedFingerprint != plan.Fingerprint
                    ? "restart etcd, one member at a time (its bundle changed since it started)"
                    : null;
            return (files.Changes, action);
        });
        var total = 0;
        foreach (var (node, (changes, action)) in context.Cluster.Nodes.Zip(plans))
        {
            foreach (var change in changes) context.Log.Information("[{0}] would {1}", node.Name, change);
            if (action is not null) context.Log.Information("[{0}] would {1}", node.Name, action);
            if (changes.Count == 0 && action is null) context.Log.Information("[{0}] no changes", node.Name);
            total += changes.Count + (action is null ? 0 : 1);
        }
        context.Log.Information(total == 0 ? "Plan: nothing to change" : $"Plan: {total} change(s) on the nodes; nothing was changed");
    }
}
