using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Client;
using EtcdForge.Reporting;
using EtcdForge.Services;

namespace EtcdForge.Tasks;

[TaskName("BootstrapCluster")]
[TaskDescription("Starts every member with the static initial cluster and waits for quorum; healthy members are left alone")]
[IsDependentOn(typeof(SingleNodeTestTask))]
public sealed class BootstrapClusterTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var summary = new ChangeSummary("BootstrapCluster", context.Log);
        var actions = await context.Nodes.RunAsync(async (node, shell) =>
        {
            return await new MemberStarter(EtcdService.For(node, shell, context.PathsOf(node)), context.FingerprintOf(node)).StartAsync(default);
        });
        foreach (var (node, action) in context.Cluster.Nodes.Zip(actions))
        {
            if (action == MemberStarter.Action.None) context.Log.Information("[{0}] running with the deployed files", node.Name);
            else summary.Record($"[{node.Name}] {MemberStarter.Describe(action)}");
        }

        var probe = new MemberProbe(context.Cluster, ClusterIdentities.Operator(context.Cluster, context.Artifacts));
        var answers = await probe.WaitForQuorumAsync(context.BootstrapTimeout, context.Clock, default);
        var down = answers.Where(a => !a.Healthy).ToList();
        if (down.Count > 0)
        {
            var logs = await context.Nodes.RunAsync(async (node, shell) =>
                down.Any(d => d.Node == node) ? await EtcdService.For(node, shell, context.PathsOf(node)).RecentLogAsync(3, default) : "");
            var lines = down.Select(d => $"{d.Node.Name} not healthy after {context.BootstrapTimeout.TotalSeconds:0} s: {d.Detail}; last log: " +
                                         Flatten(logs[context.Cluster.Nodes.ToList().IndexOf(d.Node)]));
            throw new ForgeError((MemberProbe.HasQuorum(answers) ? "cluster has quorum but members are down: " : "no quorum: ") +
                                 string.Join(Environment.NewLine, lines));
        }
        context.Log.Information("all {0} members healthy; leader agreed", answers.Count);
        summary.Finish();
    }

    private static string Flatten(string log) => string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
