using System.Security.Cryptography;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Download;
using SnapshotRequest = Etcdserverpb.SnapshotRequest;

namespace EtcdForge.Backup;

// Takes one backup: streams a snapshot from the leader (dotnet-etcd's maintenance Snapshot call; the stream ends
// with etcd's own SHA-256 of the database, as `etcdctl snapshot save` writes it) to a temporary name, checks it with
// the version's own tool, writes its record and only then gives it its final name; then keeps the newest N.
public sealed class BackupRun(Cluster cluster, TlsIdentity identity, BackupStore store, SnapshotTool tool, string toolBinDir,
    ITransferDisplay display, TimeProvider clock, ICakeLog log)
{
    public sealed record Result(string Snapshot, BackupRecord Record, IReadOnlyList<string> Pruned, TimeSpan StreamTime);

    public async Task<Result> RunAsync(CancellationToken ct)
    {
        var facts = await ClusterFacts.ReadAsync(cluster, identity, ct);
        var leader = facts.Leader ?? throw new ForgeError(
            $"Backup: no leader among the members ({string.Join("; ", facts.Members.Select(m => $"{m.Node.Name}: {m.Detail}"))}); start the cluster (--target=BootstrapCluster) first");
        Directory.CreateDirectory(store.Directory);
        var temp = store.TempName();
        try
        {
            var takenAt = clock.GetUtcNow();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var (sha, size) = await StreamAsync(leader.Node, temp, ct);
            var streamTime = watch.Elapsed;
            var status = await tool.StatusAsync(toolBinDir, temp);
            var record = new BackupRecord("", sha, size, status.Revision, status.TotalKeys, facts.ClusterVersion ?? "unknown",
                leader.Version ?? "unknown", leader.Node.Name, facts.MemberIds, takenAt, $"{tool.Name} snapshot status");
            var final = store.NameFor(takenAt, status.Revision);
            record = record with { File = Path.GetFileName(final) };
            // The record first: a snapshot under its final name always has its record beside it.
            record.WriteBeside(final);
            File.Move(temp, final, overwrite: true);
            var pruned = store.Prune(cluster.Backup.Keep);
            return new Result(final, record, pruned, streamTime);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private async Task<(string Sha256, long Size)> StreamAsync(Node leader, string temp, CancellationToken ct)
    {
        using var client = EtcdConnection.Open(leader.ClientUrl, identity);
        await using var file = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Artifacts.AtomicFile.PrivateMode, BufferSize = 1 << 20,
        });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long written = 0;
        await display.ShowAsync($"snapshot from {leader.Name}", async progress =>
        {
            await client.Snapshot(new SnapshotRequest(), response =>
            {
                var bytes = response.Blob.Span;
                file.Write(bytes);
                hash.AppendData(bytes);
                written += bytes.Length;
                progress.Report(written, written + (long)response.RemainingBytes);
            }, ct);
            return true;
        });
        file.Flush(flushToDisk: true);
        if (written == 0) throw new ForgeError($"Backup: {leader.Name} sent an empty snapshot");
        log.Verbose("snapshot from {0}: {1} bytes", leader.Name, written);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), written);
    }
}
