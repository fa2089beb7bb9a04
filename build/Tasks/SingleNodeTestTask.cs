using EtcdForge.Client;
using EtcdForge.Download;
using EtcdForge.EtcdFlags;
using EtcdForge.SmokeTest;

namespace EtcdForge.Tasks;

[TaskName("SingleNodeTest")]
[TaskDescription("Proves one node alone (throw-away data, full TLS, gRPC and HTTPS gateway) before the cluster forms")]
[IsDependentOn(typeof(DeployNodesTask))]
public sealed class SingleNodeTestTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var identity = ClusterIdentities.Operator(context.Cluster, context.Artifacts);
        var answers = await new MemberProbe(context.Cluster, identity).AskAllAsync(default);
        if (answers.Any(a => a.Healthy))
        {
            context.Log.Information("SingleNodeTest: skipped, the cluster is already running ({0} of {1} members healthy)",
                answers.Count(a => a.Healthy), answers.Count);
            return;
        }
        var node = context.Cluster.Nodes[0];
        var etcd = CheckedExtraFlags.Of(context.Cluster, EtcdBinaries.Load(context.Artifacts), context.Artifacts);
        var results = await context.NodesOf(node).RunAsync(async (n, shell) =>
        {
            if (await context.Services.Of(n, shell).IsRunningAsync(default))
            {
                return (IReadOnlyList<string>)[$"skipped: etcd is already running on {n.Name}"];
            }
            var test = new SingleNodeSmokeTest(context.Cluster, n, context.Services, etcd, identity, context.Clock);
            return await test.RunAsync(shell, default);
        });
        foreach (var line in results.Single().Result) context.Log.Information("[{0}] {1}", node.Name, line);
        context.Log.Information("SingleNodeTest: {0} works alone; test data removed", node.Name);
    }
}
