namespace EtcdForge.Tasks;

[TaskName("Backup")]
[IsDependentOn(typeof(DownloadEtcdTask))]
[TaskDescription("Saves a snapshot from the leader under artifacts/<cluster>/backups/ with its SHA-256 and revision; keeps the newest backup.keep")]
public sealed class BackupTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var result = await context.NewBackupRun().RunAsync(default);
        var r = result.Record;
        context.Log.Information("Backup: {0} ({1:N0} bytes, revision {2}, {3} keys, cluster version {4}, from {5}; {6:0.0} MB/s; checked with {7})",
            result.Snapshot, r.Size, r.Revision, r.TotalKeys, r.ClusterVersion, r.TakenFrom,
            r.Size / 1048576.0 / Math.Max(result.StreamTime.TotalSeconds, 0.001), r.CheckedWith);
        foreach (var old in result.Pruned) context.Log.Information("Backup: removed {0} (keeping the newest {1})", Path.GetFileName(old), context.Cluster.Backup.Keep);
    }
}
