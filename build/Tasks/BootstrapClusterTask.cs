using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Membership;
using EtcdForge.Planning;
using EtcdForge.Remote;
using EtcdForge.Reporting;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Tasks;

[TaskName("BootstrapCluster")]
[TaskDescription("Starts the members (static initial cluster on day one), restarts changed ones one at a time, then adds and removes members one change at a time as the description says")]
[IsDependentOn(typeof(SingleNodeTestTask))]
public sealed class BootstrapClusterTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var summary = new ChangeSummary("BootstrapCluster", context.Log);
        var plan = await context.PlanAsync();
        plan.ThrowRefusals("BootstrapCluster");
        var described = context.Cluster.Nodes;
        var applied = plan.Observation.Applied;
        var known = described.Concat(applied.Where(a => described.All(d => d.Name != a.Name))).ToList();
        var endpoints = known.Select(n => n.ClientUrl).ToList();
        var members = new ClusterMembers(ClusterIdentities.Operator(context.Cluster, context.Artifacts), context.Clock);
        var pending = plan.Members.Membership ?? [];
        try
        {
            await StartMembersAsync(context, plan, plan.Members.Founders, summary, upgradeDue: true);
        }
        catch (ForgeError error) when (pending.Count > 0)
        {
            // The guard's rule, said where it applies first: no membership change while a member is unhealthy.
            throw new ForgeError(error.Message + Environment.NewLine + "membership changes not made while members are unhealthy: " +
                                 string.Join("; ", pending.Select(c => c.Describe(context.Options.Yes))), error);
        }
        var live = await members.TryListAsync(endpoints, default) ?? throw new ForgeError("the members started but none answers a member list; see their logs");
        var states = plan.Observation.Nodes.ToDictionary(n => n.Node.Name, n => n.State);
        bool HasData(Node n) => states[n.Name].HasData;
        // Only when no member answered while planning: members of the initial cluster that never ran are voters
        // already, and they start like the others; the membership changes are known now that the members answer.
        var late = MembershipDiff.Founders(described, live, applied, HasData).Except(plan.Members.Founders.Select(f => f.Node))
            .Select(n => (n, MemberStarter.Decide(states[n.Name], context.InstallPlans.FingerprintOf(n)))).ToList();
        await StartMembersAsync(context, plan, late, summary, upgradeDue: false);

        var changes = plan.Members.Membership;
        if (changes is null)
        {
            var diff = MembershipDiff.Of(described, live);
            if (diff.Conflicts.Count > 0) throw new ForgeError(string.Join(Environment.NewLine, diff.Conflicts));
            changes = diff.Changes;
        }
        var nodes = new MemberNodes(context.Shells, context.Services, context.InstallPlans.FingerprintOf, n => context.Artifacts.NodeBundle(n.Name));
        await new MembershipChanger(members, nodes, new MembershipLog(context.Artifacts.Reports, context.Clock), known,
                context.Options.BootstrapTimeout, context.Clock, context.Options.Yes, context.Log, summary)
            .ApplyAsync(changes, [.. live.SelectMany(m => m.ClientUrls).DefaultIfEmpty(endpoints[0])], default,
                change => context.Applied.Done(PlanStep.Membership(change, context.Options.Yes)));

        if (AppliedNodes.Write(context.Artifacts, described)) context.Log.Verbose("recorded the applied nodes in {0}", AppliedNodes.PathOf(context.Artifacts));
        context.Log.Information("all {0} members healthy; leader agreed", described.Count);
        summary.Finish();
    }

    // Starts stopped members and restarts changed ones one at a time, each healthy before the next, as the plan
    // says; the members that were running take a version upgrade, if one is planned, before the membership changes.
    private static async Task StartMembersAsync(BuildContext context, ConvergencePlan plan, IReadOnlyList<(Node Node, MemberAction Action)> group,
        ChangeSummary summary, bool upgradeDue)
    {
        if (group.Count == 0) return;
        var planned = group.ToDictionary(g => g.Node.Name, g => g.Action);
        var runs = await context.NodesOf([.. group.Select(g => g.Node)]).RunEachAsync((node, shell) => StarterOf(context, node, shell).StartAsync(planned[node.Name], default));
        MemberActions.ThrowIfAnyFailed(runs);
        foreach (var (node, action) in group)
        {
            if (action == MemberAction.Leave) context.Log.Information("[{0}] {1}", node.Name, action.Done());
            else if (action != MemberAction.Restart)
            {
                summary.Record($"[{node.Name}] {action.Done()}");
                context.Applied.Done(PlanStep.Member(node, action));
            }
        }

        var probe = new MemberProbe(context.Cluster with { Nodes = [.. group.Select(g => g.Node)] }, ClusterIdentities.Operator(context.Cluster, context.Artifacts));
        await WaitForAllHealthyAsync(context, probe);

        var due = group.Where(m => m.Action == MemberAction.Restart).Select(m => m.Node).ToList();
        var upgrade = upgradeDue ? plan.Members.Upgrade : null;
        if (upgrade?.Kind == UpgradeDecision.Kind.Refused) throw new ForgeError($"{upgrade.Reason}; no member was restarted");
        if (upgrade is { IsUpgrade: true })
        {
            context.Log.Information("upgrading {0} one at a time: {1}", string.Join(", ", upgrade.Order), upgrade.Reason);
            var identity = ClusterIdentities.Operator(context.Cluster, context.Artifacts);
            var rolling = new RollingUpgrade(context.Cluster, identity, new ReadyProbe(identity, probe), context.Options.BootstrapTimeout, context.Clock);
            await rolling.RunAsync(upgrade,
                node => OnNodeAsync(context, node, async shell =>
                {
                    await StagedBinaries.PromoteAsync(shell, context.InstallPlans.Of(node), default);
                    await StarterOf(context, node, shell).RestartAsync(default);
                }),
                async node => LastLine(await OnNodeAsync(context, node, shell => ServiceOf(context, node, shell).RecentLogAsync(1, default))),
                (node, detail) =>
                {
                    summary.Record($"[{node.Name}] upgraded to etcd {upgrade.To}; ready ({detail})");
                    context.Applied.Done(PlanStep.Upgrade(node.Name, upgrade.To), detail);
                },
                default);
            var clusterVersion = await rolling.WaitForClusterVersionAsync(upgrade.To, default);
            context.Log.Information("upgrade: every member runs {0}; cluster version {1}", upgrade.To, clusterVersion);
            due = due.Where(n => !upgrade.Changes(n.Name)).ToList();
        }
        if (due.Count > 0)
        {
            context.Log.Information("restarting {0} one at a time: their files changed since they started", string.Join(", ", due.Select(n => n.Name)));
            await new RollingRestart(probe, context.Options.BootstrapTimeout, context.Clock).RunAsync(due,
                node => RestartAsync(context, node),
                node => LastWordsOf(context, node),
                node =>
                {
                    summary.Record($"[{node.Name}] {MemberAction.Restart.Done()}");
                    context.Applied.Done(PlanStep.Member(node, MemberAction.Restart));
                },
                default);
        }
        if (due.Count > 0 || upgrade is { IsUpgrade: true }) await WaitForAllHealthyAsync(context, probe);
    }

    private static async Task OnNodeAsync(BuildContext context, Node node, Func<INodeShell, Task> step) =>
        await OnNodeAsync(context, node, async shell => { await step(shell); return true; });

    private static async Task<T> OnNodeAsync<T>(BuildContext context, Node node, Func<INodeShell, Task<T>> step) =>
        (await context.NodesOf(node).RunAsync((_, shell) => step(shell)))[0].Result;

    private static string LastLine(string log) => log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(empty)";

    private static EtcdService ServiceOf(BuildContext context, Node node, INodeShell shell) => context.Services.Of(node, shell);

    private static MemberStarter StarterOf(BuildContext context, Node node, INodeShell shell) =>
        new(ServiceOf(context, node, shell), context.InstallPlans.FingerprintOf(node));

    // Every member, not just a majority: restarting one while another is still down could cost the quorum.
    private static async Task WaitForAllHealthyAsync(BuildContext context, MemberProbe probe)
    {
        var answers = await probe.WaitForAllHealthyAsync(context.Options.BootstrapTimeout, context.Clock, default);
        var down = answers.Where(a => !a.Healthy).ToList();
        if (down.Count > 0)
        {
            var detail = down.ToDictionary(d => d.Node, d => d.Detail);
            var words = await context.NodesOf([.. detail.Keys]).RunAsync((node, shell) =>
                ServiceOf(context, node, shell).LastWordsAsync(default));
            var lines = words.Select(w => $"{w.Node.Name} not healthy after {context.Options.BootstrapTimeout.TotalSeconds:0} s: " +
                                          $"{detail[w.Node]}; {w.Result}");
            throw new ForgeError((MemberProbe.HasQuorum(answers) ? "cluster has quorum but members are down: " : "no quorum: ") +
                                 string.Join(Environment.NewLine, lines));
        }
    }

    // The node's own error (a NodeError), so that RollingRestart can add what it left untouched to it.
    private static async Task RestartAsync(BuildContext context, Node node)
    {
        var run = (await context.NodesOf(node).RunEachAsync(async (n, shell) => { await StarterOf(context, n, shell).RestartAsync(default); return true; }))[0];
        if (run.Error is { } error) throw error;
    }

    private static async Task<string> LastWordsOf(BuildContext context, Node node) =>
        (await context.NodesOf(node).RunAsync((n, shell) => ServiceOf(context, n, shell).LastWordsAsync(default)))[0].Result;
}
