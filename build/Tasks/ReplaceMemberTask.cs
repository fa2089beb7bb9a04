using EtcdForge.Client;
using EtcdForge.Membership;
using EtcdForge.Planning;
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
        var plan = await context.PlanAsync();
        plan.ThrowRefusals("ReplaceMember");
        var change = plan.Members.Replacement ?? throw new ForgeError("ReplaceMember needs --node=NAME");
        var live = plan.Observation.Live!;
        var members = new ClusterMembers(ClusterIdentities.Operator(context.Cluster, context.Artifacts), context.Clock);
        var nodes = new MemberNodes(context.Shells, context.Services, context.InstallPlans.FingerprintOf, n => context.Artifacts.NodeBundle(n.Name));
        await new MembershipChanger(members, nodes, new MembershipLog(context.Artifacts.Reports, context.Clock), context.Cluster.Nodes,
                context.Options.BootstrapTimeout, context.Clock, context.Options.Yes, context.Log, summary)
            .ApplyAsync([change], [.. live.Where(m => m != change.Old).SelectMany(m => m.ClientUrls)], default,
                done => context.Applied.Done(PlanStep.Membership(done, context.Options.Yes)));
        summary.Finish();
    }
}
