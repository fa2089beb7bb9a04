using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Remote;
using EtcdForge.Reporting;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Tasks;

[TaskName("BootstrapCluster")]
[TaskDescription("Starts every member with the static initial cluster and waits for quorum; healthy members are left alone, changed ones restarted one at a time")]
[IsDependentOn(typeof(SingleNodeTestTask))]
public sealed class BootstrapClusterTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var summary = new ChangeSummary("BootstrapCluster", context.Log);
        var runs = await context.Nodes.RunEachAsync((node, shell) => StarterOf(context, node, shell).StartAsync(default));
        MemberActions.ThrowIfAnyFailed(runs);
        var members = runs.Select(r => (r.Node, Result: r.Result)).ToList();
        foreach (var (node, action) in members)
        {
            if (action == MemberAction.Leave) context.Log.Information("[{0}] {1}", node.Name, action.Done());
            else if (action != MemberAction.Restart) summary.Record($"[{node.Name}] {action.Done()}");
        }

        var probe = new MemberProbe(context.Cluster, ClusterIdentities.Operator(context.Cluster, context.Artifacts));
        await WaitForAllHealthyAsync(context, probe);

        var due = members.Where(m => m.Result == MemberAction.Restart).Select(m => m.Node).ToList();
        var upgrade = await context.UpgradeAsync();
        if (upgrade.Kind == UpgradeDecision.Kind.Refused) throw new ForgeError($"{upgrade.Reason}; no member was restarted");
        if (upgrade.IsUpgrade)
        {
            context.Log.Information("upgrading {0} one at a time: {1}", string.Join(", ", upgrade.Order), upgrade.Reason);
            var identity = ClusterIdentities.Operator(context.Cluster, context.Artifacts);
            var rolling = new RollingUpgrade(context.Cluster, identity, new ReadyProbe(context.Cluster, identity, probe), context.Options.BootstrapTimeout, context.Clock);
            await rolling.RunAsync(upgrade,
                node => OnNodeAsync(context, node, async shell =>
                {
                    await StagedBinaries.PromoteAsync(shell, context.InstallPlans.Of(node), default);
                    await StarterOf(context, node, shell).RestartAsync(default);
                }),
                async node => LastLine(await OnNodeAsync(context, node, shell => EtcdService.For(node, shell, context.PathsOf(node)).RecentLogAsync(1, default))),
                (node, detail) => summary.Record($"[{node.Name}] upgraded to etcd {upgrade.To}; ready ({detail})"),
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
                node => summary.Record($"[{node.Name}] {MemberAction.Restart.Done()}"),
                default);
        }
        if (due.Count > 0 || upgrade.IsUpgrade) await WaitForAllHealthyAsync(context, probe);
        context.Log.Information("all {0} members healthy; leader agreed", context.Cluster.Nodes.Count);
        summary.Finish();
    }

    private static async Task OnNodeAsync(BuildContext context, Node node, Func<INodeShell, Task> step) =>
        await OnNodeAsync(context, node, async shell => { await step(shell); return true; });

    private static async Task<T> OnNodeAsync<T>(BuildContext context, Node node, Func<INodeShell, Task<T>> step) =>
        (await context.NodesOf(node).RunAsync((_, shell) => step(shell)))[0].Result;

    private static string LastLine(string log) => log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(empty)";

    private static MemberStarter StarterOf(BuildContext context, Node node, INodeShell shell) =>
        new(EtcdService.For(node, shell, context.PathsOf(node), context.ContainerOf(node)), context.InstallPlans.FingerprintOf(node));

    // Every member, not just a majority: restarting one while another is still down could cost the quorum.
    private static async Task WaitForAllHealthyAsync(BuildContext context, MemberProbe probe)
    {
        var answers = await probe.WaitForAllHealthyAsync(context.Options.BootstrapTimeout, context.Clock, default);
        var down = answers.Where(a => !a.Healthy).ToList();
        if (down.Count > 0)
        {
            var detail = down.ToDictionary(d => d.Node, d => d.Detail);
            var words = await context.NodesOf([.. detail.Keys]).RunAsync((node, shell) =>
                EtcdService.For(node, shell, context.PathsOf(node), context.ContainerOf(node)).LastWordsAsync(default));
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
        (await context.NodesOf(node).RunAsync((n, shell) => EtcdService.For(n, shell, context.PathsOf(n), context.ContainerOf(n)).LastWordsAsync(default)))[0].Result;
}
