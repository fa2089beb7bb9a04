using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Nodes;
using EtcdForge.Remote;
using EtcdForge.Reporting;
using EtcdForge.Services;

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
        MemberStarter.ThrowIfAnyFailed(runs);
        var actions = runs.Select(r => r.Result).ToList();
        foreach (var (node, action) in context.Cluster.Nodes.Zip(actions))
        {
            if (action == MemberStarter.Action.None) context.Log.Information("[{0}] running with the deployed files", node.Name);
            else if (action != MemberStarter.Action.RestartDue) summary.Record($"[{node.Name}] {MemberStarter.Describe(action)}");
        }

        var probe = new MemberProbe(context.Cluster, ClusterIdentities.Operator(context.Cluster, context.Artifacts));
        await WaitForAllHealthyAsync(context, probe);

        var due = context.Cluster.Nodes.Zip(actions).Where(p => p.Second == MemberStarter.Action.RestartDue).Select(p => p.First).ToList();
        if (due.Count > 0)
        {
            context.Log.Information("restarting {0} one at a time: their files changed since they started", string.Join(", ", due.Select(n => n.Name)));
            await new RollingRestart(probe, context.Options.BootstrapTimeout, context.Clock).RunAsync(due,
                node => new NodeFanOut([node], context.Shells, context.Log)
                    .RunAsync(async (n, shell) => { await StarterOf(context, n, shell).RestartAsync(default); return true; }),
                node => LastWordsOf(context, node),
                node => summary.Record($"[{node.Name}] restarted with its new files; healthy again"),
                default);
            await WaitForAllHealthyAsync(context, probe);
        }
        context.Log.Information("all {0} members healthy; leader agreed", context.Cluster.Nodes.Count);
        summary.Finish();
    }

    private static MemberStarter StarterOf(BuildContext context, Node node, INodeShell shell) =>
        new(EtcdService.For(node, shell, context.PathsOf(node)), context.FingerprintOf(node));

    // Every member, not just a majority: restarting one while another is still down could cost the quorum.
    private static async Task WaitForAllHealthyAsync(BuildContext context, MemberProbe probe)
    {
        var answers = await probe.WaitForQuorumAsync(context.Options.BootstrapTimeout, context.Clock, default);
        var down = answers.Where(a => !a.Healthy).ToList();
        if (down.Count > 0)
        {
            var lines = new List<string>();
            foreach (var d in down) lines.Add($"{d.Node.Name} not healthy after {context.Options.BootstrapTimeout.TotalSeconds:0} s: {d.Detail}; {await LastWordsOf(context, d.Node)}");
            throw new ForgeError((MemberProbe.HasQuorum(answers) ? "cluster has quorum but members are down: " : "no quorum: ") +
                                 string.Join(Environment.NewLine, lines));
        }
    }

    private static async Task<string> LastWordsOf(BuildContext context, Node node) =>
        (await new NodeFanOut([node], context.Shells, context.Log)
            .RunAsync((n, shell) => EtcdService.For(n, shell, context.PathsOf(n)).LastWordsAsync(default)))[0];
}
