using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Nodes;
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
        var actions = await context.Nodes.RunAsync((node, shell) => StarterOf(context, node, shell).StartAsync(default));
        foreach (var (node, action) in context.Cluster.Nodes.Zip(actions))
        {
            if (action == MemberStarter.Action.None) context.Log.Information("[{0}] running with the deployed files", node.Name);
            else if (action != MemberStarter.Action.RestartDue) summary.Record($"[{node.Name}] {MemberStarter.Describe(action)}");
        }

        var probe = new MemberProbe(context.Cluster, ClusterIdentities.Operator(context.Cluster, context.Artifacts));
        await WaitForAllHealthyAsync(context, probe);

        var due = context.Cluster.Nodes.Zip(actions).Where(p => p.Second == MemberStarter.Action.RestartDue).Select(p => p.First).ToList();
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
                    await StagedBinaries.PromoteAsync(shell, context.InstallPlanOf(node), default);
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
                node => OnNodeAsync(context, node, shell => StarterOf(context, node, shell).RestartAsync(default)),
                node => summary.Record($"[{node.Name}] restarted with its new files; healthy again"),
                default);
        }
        if (due.Count > 0 || upgrade.IsUpgrade) await WaitForAllHealthyAsync(context, probe);
        context.Log.Information("all {0} members healthy; leader agreed", context.Cluster.Nodes.Count);
        summary.Finish();
    }

    private static async Task OnNodeAsync(BuildContext context, Node node, Func<INodeShell, Task> step) =>
        await OnNodeAsync(context, node, async shell => { await step(shell); return true; });

    private static async Task<T> OnNodeAsync<T>(BuildContext context, Node node, Func<INodeShell, Task<T>> step) =>
        (await new NodeFanOut([node], context.Shells, context.Log).RunAsync((_, shell) => step(shell)))[0];

    private static string LastLine(string log) => log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(empty)";

    private static MemberStarter StarterOf(BuildContext context, Node node, INodeShell shell) =>
        new(EtcdService.For(node, shell, context.PathsOf(node)), context.FingerprintOf(node));

    // Every member, not just a majority: restarting one while another is still down could cost the quorum.
    private static async Task WaitForAllHealthyAsync(BuildContext context, MemberProbe probe)
    {
        var answers = await probe.WaitForQuorumAsync(context.Options.BootstrapTimeout, context.Clock, default);
        var down = answers.Where(a => !a.Healthy).ToList();
        if (down.Count > 0)
        {
            var logs = await context.Nodes.RunAsync(async (node, shell) =>
                down.Any(d => d.Node == node) ? await EtcdService.For(node, shell, context.PathsOf(node)).RecentLogAsync(3, default) : "");
            var lines = down.Select(d => $"{d.Node.Name} not healthy after {context.Options.BootstrapTimeout.TotalSeconds:0} s: {d.Detail}; last log: " +
                                         Flatten(logs[context.Cluster.Nodes.ToList().IndexOf(d.Node)]));
            throw new ForgeError((MemberProbe.HasQuorum(answers) ? "cluster has quorum but members are down: " : "no quorum: ") +
                                 string.Join(Environment.NewLine, lines));
        }
    }

    private static string Flatten(string log) => string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
