using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Deploy;
using EtcdForge.Docker;
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
            var container = context.ContainerOf(node);
            IReadOnlyList<string> changes = container is not null && await MemberImage.IsMissingAsync(node, shell, plan.Paths, container, default)
                ? [.. files.Changes, $"load image {container.Image.Tag} ({container.Image.Id})"]
                : files.Changes;
            var state = await EtcdService.For(node, shell, context.PathsOf(node), container).StateAsync(default);
            var action = !state.Running
                ? (state.HasData ? "start etcd (rejoins with its data)" : "start etcd as a new member")
                // BootstrapCluster's rule: a restart only when the deployed bundle differs from the one etcd started with.
                : state.StartedFingerprint != plan.Fingerprint
                    ? "restart etcd, one member at a time (its bundle changed since it started)"
                    : null;
            return (changes, action);
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
