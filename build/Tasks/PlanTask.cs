using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Client;
using EtcdForge.Deploy;
using EtcdForge.Membership;
using EtcdForge.Services;

namespace EtcdForge.Tasks;

[TaskName("Plan")]
[TaskDescription("Shows what DeployNodes and BootstrapCluster would change on each node, using read-only checks")]
[IsDependentOn(typeof(PackageTask))]
public sealed class PlanTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var etcd = context.Cluster.Etcd;
        var applied = AppliedNodes.Read(context.Artifacts);
        var endpoints = context.Cluster.Nodes.Concat(applied).Select(n => n.ClientUrl(etcd.ClientPort)).ToList();
        var live = await new ClusterMembers(ClusterIdentities.Operator(context.Cluster, context.Artifacts), context.Clock).TryListAsync(endpoints, default);
        var plans = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var plan = context.InstallPlanOf(node);
            var files = await new NodeDeployer(shell, plan).PlanAsync(default);
            var state = await EtcdService.For(node, shell, context.PathsOf(node)).StateAsync(default);
            return (files.Changes, state, plan.Fingerprint);
        });
        var hasData = context.Cluster.Nodes.Zip(plans).ToDictionary(p => p.First.Name, p => p.Second.state.HasData);
        var founders = MembershipDiff.Founders(context.Cluster.Nodes, live, applied, etcd.PeerPort, n => hasData[n.Name]);
        var total = 0;
        foreach (var (node, (changes, state, fingerprint)) in context.Cluster.Nodes.Zip(plans))
        {
            // Nodes that join a running cluster are started by their membership change below.
            var action = !founders.Contains(node) ? null
                : !state.Running
                ? (state.HasData ? "start etcd (rejoins with its data)" : "start etcd as a new member")
                // BootstrapCluster's rule: a restart only when the deployed bundle differs from the one etcd started with.
                : state.StartedFingerprint != fingerprint
                    ? "restart etcd, one member at a time (its bundle changed since it started)"
                    : null;
            foreach (var change in changes) context.Log.Information("[{0}] would {1}", node.Name, change);
            if (action is not null) context.Log.Information("[{0}] would {1}", node.Name, action);
            if (changes.Count == 0 && action is null) context.Log.Information("[{0}] no changes", node.Name);
            total += changes.Count + (action is null ? 0 : 1);
        }
        if (live is not null)
        {
            foreach (var problem in MembershipDiff.LostData(context.Cluster.Nodes, live, etcd.PeerPort, n => hasData[n.Name])) context.Log.Warning("{0}", problem);
            var diff = MembershipDiff.Of(context.Cluster.Nodes, live, etcd.PeerPort);
            foreach (var conflict in diff.Conflicts) context.Log.Warning("{0}", conflict);
            for (var i = 0; i < diff.Changes.Count; i++)
            {
                context.Log.Information("membership change {0} of {1}: would {2}", i + 1, diff.Changes.Count, diff.Changes[i].Describe(context.Options.Yes));
            }
            total += diff.Changes.Count;
        }
        context.Log.Information(total == 0 ? "Plan: nothing to change" : $"Plan: {total} change(s) on the nodes; nothing was changed");
    }
}
