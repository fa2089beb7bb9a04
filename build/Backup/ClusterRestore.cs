using EtcdForge.Configuration;
using EtcdForge.Download;
using EtcdForge.Nodes;
using EtcdForge.Remote;
using EtcdForge.Services;

namespace EtcdForge.Backup;

// Restores the whole cluster from one snapshot: checked first (its SHA-256 against its record, then the version's
// own tool reads it) so that nothing on any node changes for a bad file; then every member is stopped, every data
// dir rebuilt from the same snapshot with a new cluster token (the restored cluster must not mix with members of
// the old one), and the members are started together. Each step can be repeated, so a failed Restore is re-run.
public sealed class ClusterRestore(Cluster cluster, NodeFanOut nodes, EtcdServices services, Func<Node, string> fingerprintOf,
    SnapshotTool tool, string toolBinDir, TimeProvider clock, ICakeLog log)
{
    public sealed record Checked(string Snapshot, BackupRecord Record, SnapshotTool.Status Status);

    /// <summary>The file's hash against its record: needs nothing but the file, changes nothing anywhere.</summary>
    public static (string Path, BackupRecord Record) CheckHash(string snapshot, string backupsDir)
    {
        var path = Path.GetFullPath(snapshot);
        if (!File.Exists(path)) throw new ForgeError($"--snapshot={snapshot}: no such file; pick one under {backupsDir}");
        var record = BackupRecord.ReadBeside(path, $"--snapshot={snapshot}");
        var actual = Sha256File.Of(path);
        if (actual != record.Sha256)
        {
            throw new ForgeError($"--snapshot={snapshot}: SHA-256 {actual} does not match {record.Sha256} in {Path.GetFileName(BackupRecord.PathBeside(path))}: the file is damaged; nothing was stopped; restore another backup");
        }
        return (path, record);
    }

    /// <summary>The hash, then the version's own tool reads the file; changes nothing anywhere.</summary>
    public async Task<Checked> CheckAsync(string path, BackupRecord record) =>
        new(path, record, await tool.StatusAsync(toolBinDir, path));

    /// <returns>per node, the data dir it set aside (null when the node had none).</returns>
    public async Task<IReadOnlyList<(Node Node, string? SetAside)>> RunAsync(Checked snapshot, CancellationToken ct)
    {
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var token = $"{cluster.Token}-restored-{stamp}";
        log.Information("Restore: uploading {0} to {1} node(s)", Path.GetFileName(snapshot.Snapshot), cluster.Nodes.Count);
        await nodes.RunAsync(async (node, shell) =>
        {
            await shell.UploadAsync([FileUpload.FromFile(RestoredDataDir.SnapshotPathOn(services.PathsOf(node)), snapshot.Snapshot, Artifacts.AtomicFile.PrivateMode)], ct);
            return true;
        }, ct);
        // All members down before any data dir changes: a member still running would keep serving the old data.
        log.Information("Restore: stopping every member");
        await nodes.RunAsync(async (node, shell) => { await services.Of(node, shell).StopAsync(ct); return true; }, ct);
        log.Information("Restore: rebuilding every data dir from the snapshot (new cluster token {0})", token);
        var setAside = await nodes.RunAsync(async (node, shell) =>
        {
            var result = await shell.RunAsync(RestoredDataDir.Script(services.PathsOf(node), node, cluster, token, stamp), ct);
            if (!result.Succeeded) throw new ForgeError($"{node.Name}: snapshot restore failed: {result.Stderr.Trim().Split('\n')[^1]}; fix it and run Restore again");
            var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            log.Information("[{0}] restored with its {1}", node.Name, lines.FirstOrDefault(l => l.StartsWith("restored-with ", StringComparison.Ordinal))?["restored-with ".Length..] ?? "tool");
            return lines.FirstOrDefault(l => l.StartsWith("set-aside ", StringComparison.Ordinal))?["set-aside ".Length..];
        }, ct);
        log.Information("Restore: starting every member");
        await nodes.RunAsync(async (node, shell) => { await services.Of(node, shell).StartAsync(ct, fingerprintOf(node)); return true; }, ct);
        return setAside;
    }
}
