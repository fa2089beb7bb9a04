using EtcdForge.Client;
using EtcdForge.Membership;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("ReplaceMember")]
[TaskDescription("Rebuilds one member (--node=NAME --yes) whose data or host was lost: removes it, wipes its data dir, adds it again as learner, starts it as existing and promotes it")]
[IsDependentOn(typeof(DeployNodesTask))]
public sealed class ReplaceMemberTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var summary = new ChangeSummary("ReplaceMember", context.Log);
        var node = context.ReplacedNode ?? throw new ForgeError("ReplaceMember needs --node=NAME");
        var endpoints = context.Cluster.Nodes.Where(n => n != node).Select(n => n.ClientUrl).ToList();
        var members = new ClusterMembers(ClusterIdentities.Operator(context.Cluster, context.Artifacts), context.Clock);
        var live = await members.TryListAsync(endpoints, default)
            ?? throw new ForgeError($"ReplaceMember: no other member answers ({string.Join(", ", endpoints)}); a replacement needs a running cluster: run BootstrapCluster first");
        var change = new ReplaceMember(node, MembershipDiff.MemberOf(node, live));
        var nodes = new MemberNodes(context.Shells, context.Services, context.InstallPlans.FingerprintOf, n => context.Artifacts.NodeBundle(n.Name));
        await new MembershipChanger(members, nodes, new MembershipLog(context.Artifacts.Reports, context.Clock), context.Cluster.Nodes,
                context.Options.BootstrapTimeout, context.Clock, context.Options.Yes, context.Log, summary)
            .ApplyAsync([change], [.. live.Where(m => m != change.Old).SelectMany(m => m.ClientUrls)], default);
        summary.Finish();
    }
}
