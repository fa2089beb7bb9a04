using EtcdForge.Backup;
using EtcdForge.Verification;

namespace EtcdForge.Tasks;

[TaskName("Verify")]
[TaskDescription("Checks the running cluster member by member, membership, cluster version, a linearizable round trip, TLS enforcement, certificate expiry and the certificates each member serves")]
[IsDependentOn(typeof(BootstrapClusterTask))]
public sealed class VerifyTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        await VerifyRun.RunAsync(context.Cluster, context.Artifacts, context.Clock, context.Log);
        // A passing Verify after a Restore is what the data dirs it moved aside were kept for. A node that cannot be
        // reached keeps them until a later Verify; that is no reason to fail a Verify that passed.
        var removed = await context.Nodes.RunEachAsync((node, shell) => RestoredDataDir.RemoveSetAsideAsync(shell, context.PathsOf(node), default));
        foreach (var run in removed)
        {
            foreach (var dir in run.Result ?? []) context.Log.Information("[{0}] removed {1} (set aside by Restore; the restored cluster passed Verify)", run.Node.Name, dir);
        }
    }
}
