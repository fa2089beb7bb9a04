using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Deploy;
using EtcdForge.Services;

namespace EtcdForge.Tasks;

[TaskName("Plan")]
[TaskDescription("Shows what DeployNodes and BootstrapCluster would change on each node, using read-only checks")]
[IsDependentOn(typeof(PackageTask))]
public sealed class PlanTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var plans = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var plan = context.InstallPlanOf(node);
            var files = await new NodeDeployer(shell, plan).PlanAsync(default);
            // BootstrapCluster's decision, from the same state read, for the files DeployNodes would leave there.
            var member = await new MemberStarter(EtcdService.For(node, shell, context.PathsOf(node)), plan.Fingerprint).DecideAsync(default);
            return (files.Changes, Action: member.Planned());
        });
        var total = 0;
        foreach (var (node, (changes, action)) in plans)
        {
            foreach (var change in changes) context.Log.Information("[{0}] would {1}", node.Name, change);
            if (action is not null) context.Log.Information("[{0}] would {1}", node.Name, action);
            if (changes.Count == 0 && action is null) context.Log.Information("[{0}] no changes", node.Name);
            total += changes.Count + (action is null ? 0 : 1);
        }
        context.Log.Information(total == 0 ? "Plan: nothing to change" : $"Plan: {total} change(s) on the nodes; nothing was changed");
    }
}
