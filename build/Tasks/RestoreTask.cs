using EtcdForge.Backup;
using EtcdForge.Client;
using EtcdForge.Download;
using EtcdForge.Verification;

namespace EtcdForge.Tasks;

[TaskName("Restore")]
[TaskDescription("Rebuilds every member from one backup (--snapshot=FILE --yes): hash checked, members stopped, old data set aside, new cluster token, Verify")]
public sealed class RestoreTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        if (context.Options.Snapshot is not { } file)
        {
            throw new ForgeError($"Restore needs --snapshot=FILE: one of the backups under {context.Artifacts.Backups} (the newest is {context.Backups.Newest() ?? "none yet"})");
        }
        var (path, r) = ClusterRestore.CheckHash(file, context.Artifacts.Backups);
        var etcd = EtcdBinaries.Load(context.Artifacts);
        var restore = new ClusterRestore(context.Cluster, context.Nodes, context.Services, context.InstallPlans.FingerprintOf,
            new SnapshotTool(etcd.ParsedVersion), etcd.BinDir, context.Clock, context.Log);
        var snapshot = await restore.CheckAsync(path, r);
        if (!context.Options.Yes)
        {
            throw new ForgeError($"Restore replaces the data of cluster '{context.Cluster.Name}' on {context.Cluster.Nodes.Count} node(s) with {r.File} (revision {r.Revision}, taken {r.TakenAt:u}); writes after it are lost; add --yes to confirm");
        }
        context.Log.Information("Restore: {0} checked (SHA-256 matches its record; {1} snapshot status: revision {2}, {3} keys)",
            r.File, new SnapshotTool(etcd.ParsedVersion).Name, snapshot.Status.Revision, snapshot.Status.TotalKeys);
        var setAside = await restore.RunAsync(snapshot, default);

        var probe = new MemberProbe(context.Cluster, ClusterIdentities.Operator(context.Cluster, context.Artifacts));
        var answers = await probe.WaitForAllHealthyAsync(context.Options.BootstrapTimeout, context.Clock, default);
        if (answers.Any(a => !a.Healthy))
        {
            throw new ForgeError($"Restore: members not healthy after {context.Options.BootstrapTimeout.TotalSeconds:0} s: " +
                string.Join("; ", answers.Where(a => !a.Healthy).Select(a => $"{a.Node.Name}: {a.Detail}")) + "; see their logs and run Restore again");
        }
        await VerifyRun.RunAsync(context.Cluster, context.Artifacts, context.Clock, context.Log);
        foreach (var (node, aside) in setAside)
        {
            if (aside is not null) context.Log.Information("[{0}] old data kept at {1} until the next passing --target=Verify", node.Name, aside);
        }
        context.Log.Information("Restore: cluster '{0}' restored from {1} at revision {2}", context.Cluster.Name, r.File, r.Revision);
    }
}
