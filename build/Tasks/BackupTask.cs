using Cake.Common;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Backup;
using EtcdForge.Download;

namespace EtcdForge.Tasks;

[TaskName("Backup")]
[TaskDescription("Saves a snapshot from the leader under artifacts/<cluster>/backups/ with its SHA-256 and revision; keeps the newest backup.keep")]
public sealed class BackupTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var result = await BackupOf(context).RunAsync(default);
        var r = result.Record;
        context.Log.Information("Backup: {0} ({1:N0} bytes, revision {2}, {3} keys, cluster version {4}, from {5}; {6:0.0} MB/s; checked with {7})",
            result.Snapshot, r.Size, r.Revision, r.TotalKeys, r.ClusterVersion, r.TakenFrom,
            r.Size / 1048576.0 / Math.Max(result.StreamTime.TotalSeconds, 0.001), r.CheckedWith);
        foreach (var old in result.Pruned) context.Log.Information("Backup: removed {0} (keeping the newest {1})", Path.GetFileName(old), context.Cluster.Backup.Keep);
    }

    public static BackupRun BackupOf(BuildContext context)
    {
        var etcd = EtcdBinaries.Load(context.Artifacts);
        var display = TransferDisplay.For(TransferDisplay.IsInteractive(context.EnvironmentVariable("CI"), Console.IsOutputRedirected), context.Log);
        return new BackupRun(context.Cluster, Client.ClusterIdentities.Operator(context.Cluster, context.Artifacts),
            new BackupStore(context.Artifacts.Backups, context.Cluster.Name), new SnapshotTool(etcd.ParsedVersion), etcd.BinDir,
            display, context.Clock, context.Log);
    }
}
