using System.Security.Cryptography;
using System.Text.Json;
using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.Backup;

// Backup and Restore on a real etcd 3.4.23 cluster (Debian's binaries as a release archive) on 127.0.27.11-13:
// a checked snapshot with its record, a damaged one refused before anything stops, a round trip that keeps what
// was written before the snapshot and drops what came after, recovery after every data dir is gone. Tests run in name order on one cluster.
[Collection(BackupClusterCollection.Name)]
public sealed class BackupRestoreTests(Backup34Cluster cluster) : LoopbackClusterTests<Backup34Cluster>(cluster)
{
    private ForgeResult Forge(params string[] args) => Cluster.Forge(args);

    private string Scratch(params string[] parts)
    {
        var path = Path.Combine([Cluster.Scratch, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private string Backups => Path.Combine(Cluster.ClusterDir, "backups");

    private IEnumerable<string> DataDirParents => LoopbackCluster.Nodes.Select(n => Path.Combine(Cluster.NodeDir(n), "var", "lib"));

    private IReadOnlyList<int?> Pids => LoopbackCluster.Nodes.Select(Cluster.PidOf).ToList();

    private string Newest => Directory.GetFiles(Backups, "*.db").Order(StringComparer.Ordinal).Last();

    private void Put(string key, string value) => Assert.Equal(0, Cluster.Etcdctl("put", key, value).ExitCode);

    private string? Get(string key)
    {
        var run = Cluster.Etcdctl("get", key, "--print-value-only");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Trim() is { Length: > 0 } value ? value : null;
    }

    [Fact]
    public void T1_Backup_saves_a_checked_snapshot_with_its_record_and_keeps_the_newest_two()
    {
        Put("rt/before", "kept");
        for (var i = 0; i < 3; i++)
        {
            var run = Forge("--target=Backup");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains(run.Lines, l => l.StartsWith("Backup: " + Backups, StringComparison.Ordinal));
        }

        var snapshots = Directory.GetFiles(Backups, "*.db");
        Assert.Equal(2, snapshots.Length);
        Assert.Equal(2, Directory.GetFiles(Backups, "*.json").Length);
        Assert.Empty(Directory.GetFiles(Backups, ".*"));
        var snapshot = Newest;
        using var record = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(snapshot, ".json")));
        var r = record.RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(snapshot))), r.GetProperty("sha256").GetString());
        Assert.Equal(new FileInfo(snapshot).Length, r.GetProperty("size").GetInt64());
        Assert.Equal("3.4.0", r.GetProperty("clusterVersion").GetString());
        Assert.Equal("etcdctl snapshot status", r.GetProperty("checkedWith").GetString());
        Assert.EndsWith($"-rev{r.GetProperty("revision").GetInt64()}.db", snapshot);
        // Debian's etcdctl reads the same revision, and names the same members.
        var status = Cluster.Etcdctl("snapshot", "status", snapshot, "--write-out=json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(r.GetProperty("revision").GetInt64(), JsonDocument.Parse(status.Stdout).RootElement.GetProperty("revision").GetInt64());
        var members = Cluster.Etcdctl("member", "list", "--write-out=json");
        var ids = JsonDocument.Parse(members.Stdout).RootElement.GetProperty("members").EnumerateArray()
            .Select(m => m.GetProperty("ID").GetUInt64().ToString("x16")).Order(StringComparer.Ordinal);
        Assert.Equal(ids, r.GetProperty("memberIds").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void T2_A_snapshot_with_one_byte_flipped_is_refused_by_its_hash_before_any_member_is_stopped()
    {
        var copy = Scratch("damaged", Path.GetFileName(Newest));
        File.Copy(Newest, copy);
        File.Copy(Path.ChangeExtension(Newest, ".json"), Path.ChangeExtension(copy, ".json"));
        var bytes = File.ReadAllBytes(copy);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(copy, bytes);
        var pids = Pids;

        var run = Forge("--target=Restore", $"--snapshot={copy}", "--yes");

        var error = BadInput.ErrorContract.OneLine(run);
        BadInput.ErrorContract.Says(error, run, $"--snapshot={copy}", "does not match", "the file is damaged", "nothing was stopped");
        Assert.Equal(pids, Pids);
        Assert.All(pids, pid => Assert.True(pid is { } p && Cluster.IsOurEtcd(p), "a member stopped"));
        // No snapshot uploaded, no data dir set aside or restored.
        Assert.DoesNotContain(DataDirParents.SelectMany(Directory.GetFileSystemEntries),
            p => Path.GetFileName(p).StartsWith("etcd.", StringComparison.Ordinal));
    }

    [Fact]
    public void T2b_A_file_that_is_not_a_snapshot_and_a_Restore_without_yes_are_refused_before_any_member_is_stopped()
    {
        // A record that matches the file's hash: only the version's own tool can tell it is no snapshot.
        var fake = Scratch("fake", "bk34-20261201T000000Z-rev9.db");
        File.WriteAllText(fake, "not a bolt database\n");
        var record = File.ReadAllText(Path.ChangeExtension(Newest, ".json"));
        var sha = JsonDocument.Parse(record).RootElement.GetProperty("sha256").GetString()!;
        File.WriteAllText(Path.ChangeExtension(fake, ".json"), record.Replace(sha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(fake)))));
        var pids = Pids;

        var notSnapshot = Forge("--target=Restore", $"--snapshot={fake}", "--yes");
        var noYes = Forge("--target=Restore", $"--snapshot={Newest}");

        BadInput.ErrorContract.Says(BadInput.ErrorContract.OneLine(notSnapshot), notSnapshot, $"{fake} is not an etcd snapshot", "etcdctl snapshot status says");
        BadInput.ErrorContract.Says(BadInput.ErrorContract.OneLine(noYes), noYes, "Restore replaces the data of cluster 'bk34' on 3 node(s)", "add --yes to confirm");
        Assert.Equal(pids, Pids);
        Assert.All(pids, pid => Assert.True(pid is { } p && Cluster.IsOurEtcd(p), "a member stopped"));
    }

    [Fact]
    public void T3_Restore_keeps_what_was_written_before_the_snapshot_drops_what_came_after_and_sets_old_data_aside_until_Verify()
    {
        Put("rt/after", "dropped");

        var run = Forge("--target=Restore", $"--snapshot={Newest}", "--yes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, run.Lines.Count(l => l.EndsWith("] restored with its etcdctl", StringComparison.Ordinal)));
        Assert.Contains(run.Lines, l => l.StartsWith("Verify: all ", StringComparison.Ordinal));
        Assert.Equal("kept", Get("rt/before"));
        Assert.Null(Get("rt/after"));
        var setAside = DataDirParents.SelectMany(d => Directory.GetDirectories(d, "etcd.before-restore-*")).ToList();
        Assert.Equal(3, setAside.Count);
        Assert.All(setAside, d => Assert.True(Directory.Exists(Path.Combine(d, "member")), d));

        var verify = Forge("--target=Verify");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.All(setAside, d => Assert.False(Directory.Exists(d), $"{d} should be gone after a passing Verify"));
    }

    [Fact]
    public void T4_Disaster_recovery_every_data_dir_deleted_then_Restore_from_the_last_backup_then_Verify()
    {
        Cluster.RecordPids();
        foreach (var pid in Pids)
        {
            using var member = System.Diagnostics.Process.GetProcessById(pid!.Value);
            member.Kill();
            member.WaitForExit();
        }
        foreach (var parent in DataDirParents) Directory.Delete(Path.Combine(parent, "etcd"), recursive: true);

        var restore = Forge("--target=Restore", $"--snapshot={Newest}", "--yes");
        var verify = Forge("--target=Verify");

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal("kept", Get("rt/before"));
    }
}
