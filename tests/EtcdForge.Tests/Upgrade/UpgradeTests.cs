using System.Text.Json;
using System.Text.RegularExpressions;

namespace EtcdForge.Tests.Upgrade;

// A real rolling upgrade, etcd 3.4.23 -> 3.5.30, on three local members on 127.0.27.21-23, with the continuous
// writer running throughout (first, while still on 3.4.23, a minor skip to 3.6 refused before any node changes);
// then a downgrade refused before any node changes, and a Backup/Restore round trip on
// 3.5.30 (etcdutl). Tests run in name order on one cluster.
[Collection(BackupClusterCollection.Name)]
public sealed class UpgradeTests(Upgrade34Cluster cluster) : LoopbackClusterTests<Upgrade34Cluster>(cluster)
{
    private string Config35 => Cluster.ConfigFor(EtcdRelease.V35);
    private string Config34 => Cluster.ConfigFor(EtcdRelease.V34);
    private string Backups => Path.Combine(Cluster.ClusterDir, "backups");

    [Fact]
    public void T0_A_minor_skip_to_3_6_is_refused_before_anything_changes_on_any_node()
    {
        // No etcd 3.6 exists on this machine: its archive holds gcc-built ELF stand-ins that answer only --version
        // (FakeVersionRelease), enough for DownloadEtcd and Package; the refusal must come before any node is touched.
        using var scratch = new TempDir();
        var archive = FakeVersionRelease.Build(scratch.Path, "3.6.5");
        var config = scratch.File("up-to-36.yaml", Regex.Replace(File.ReadAllText(Config34), @"version: 3\.4\.23\n(\s*)downloadUrl: \S+", $"version: 3.6.5\n$1archive: {archive}"));
        Assert.Contains($"archive: {archive}", File.ReadAllText(config));

        AssertRefusedWithNoNodeChanged(config, "etcd 3.4.23 -> 3.6.5 skips a minor version", "upgrade to the newest 3.5.x first");
    }

    [Fact]
    public async Task T1_An_upgrade_to_3_5_30_goes_leader_last_loses_no_acknowledged_write_and_ends_onCluster_version_3_5()
    {
        var plan = Cluster.Forge("--target=Plan", $"--config={Config35}");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("[cluster] would upgrade etcd 3.4.23 -> 3.5.30", plan.Lines);
        var order = plan.Lines.Single(l => l.StartsWith("[cluster] member order: ", StringComparison.Ordinal))["[cluster] member order: ".Length..].Split(" (")[0].Split(", ");
        Assert.Contains(plan.Lines, l => l.StartsWith($"[cluster] backup first: {Backups}/up-", StringComparison.Ordinal));
        Assert.Equal(LoopbackCluster.Nodes.Order(), order.Order());
        var leader = Leader();
        Assert.Equal(leader, order[^1]);

        ForgeResult run;
        WriterReport report;
        await using (var writer = ContinuousWriter.Start(Cluster.Endpoints, Cluster.Files.CaCert, Cluster.Files.ClientCert, Cluster.Files.ClientKey, prefix: "ef-upgrade"))
        {
            await writer.WaitForMoreAsync(20);
            run = await Task.Run(() => Cluster.Forge("--target=Verify", $"--config={Config35}"));
            await writer.WaitForMoreAsync(20);
            report = await writer.StopAsync();
        }
        await report.AssertNoLossAsync(string.Join(',', Cluster.Endpoints), Cluster.Files.CaCert, Cluster.Files.ClientCert, Cluster.Files.ClientKey);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Lines, l => l.StartsWith("upgrade: backup first: ", StringComparison.Ordinal));
        var upgraded = run.Lines.Where(l => l.Contains("] upgraded to etcd 3.5.30; ready")).Select(l => l.Split('[', ']')[1]).ToList();
        Assert.Equal(order, upgraded);
        Assert.Contains(run.Lines, l => l == "upgrade: every member runs 3.5.30; cluster version 3.5.0");
        // What Plan showed is what the run did, step by step: the download, the bundles and the image, the backup,
        // each node's install, then the upgrade member by member in Plan's order.
        var steps = PlannedSteps.AssertAppliedAsPlanned(Cluster.Files);
        Assert.Equal(order.Select(n => $"BootstrapCluster/upgrade/{n}"), steps.Where(s => s.StartsWith("BootstrapCluster/", StringComparison.Ordinal)));
        // Nothing staged is left, and what runs is what is installed.
        foreach (var node in LoopbackCluster.Nodes)
        {
            Assert.Empty(Directory.GetFiles(Cluster.NodeDir(node), "*.next", SearchOption.AllDirectories));
            var exe = File.ReadAllText($"/proc/{Cluster.PidOf(node)}/cmdline").Split('\0')[0];
            Assert.DoesNotContain("(deleted)", new FileInfo($"/proc/{Cluster.PidOf(node)}/exe").LinkTarget ?? "", StringComparison.Ordinal);
            Assert.EndsWith("/usr/local/bin/etcd", exe);
        }
        using var verify = JsonDocument.Parse(File.ReadAllText(Path.Combine(Cluster.ClusterDir, "reports", "verify.json")));
        var check = verify.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "cluster version caught up with the members");
        Assert.Contains("cluster version 3.5.0; members run 3.5.30", check.GetProperty("detail").GetString());

        var again = Cluster.Forge("--target=Verify", $"--config={Config35}");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain(again.Lines, l => l.StartsWith("upgrade", StringComparison.Ordinal));
        Assert.Contains("BootstrapCluster: nothing changed", again.Lines);
    }

    [Fact]
    public void T2_A_downgrade_to_3_4_23_is_refused_before_anything_changes_on_any_node()
    {
        AssertRefusedWithNoNodeChanged(Config34, "etcd 3.5.30 -> 3.4.23 is a downgrade", "set etcd.version back to 3.5.30");
    }

    [Fact]
    public void T3_Backup_and_Restore_round_trip_on_3_5_30_with_etcdutl()
    {
        Assert.Equal(0, Cluster.Etcdctl("put", "rt35/before", "kept").ExitCode);
        var backup = Cluster.Forge("--target=Backup", $"--config={Config35}");
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var snapshot = Directory.GetFiles(Backups, "*.db").Order(StringComparer.Ordinal).Last();
        using (var record = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(snapshot, ".json"))))
        {
            Assert.Equal("etcdutl snapshot status", record.RootElement.GetProperty("checkedWith").GetString());
            Assert.Equal("3.5.0", record.RootElement.GetProperty("clusterVersion").GetString());
        }
        Assert.Equal(0, Cluster.Etcdctl("put", "rt35/after", "dropped").ExitCode);

        var restore = Cluster.Forge("--target=Restore", $"--snapshot={snapshot}", "--yes", $"--config={Config35}");

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains(restore.Lines, l => l.Contains("(new cluster token up-token-restored-"));
        Assert.Equal(3, restore.Lines.Count(l => l.EndsWith("] restored with its etcdutl", StringComparison.Ordinal)));
        Assert.Equal("kept", Cluster.Etcdctl("get", "rt35/before", "--print-value-only").Stdout.Trim());
        Assert.Equal("", Cluster.Etcdctl("get", "rt35/after", "--print-value-only").Stdout.Trim());
    }

    // Verify with CONFIG fails with one line saying REASONS, and every member's installed files (with mtimes) and
    // process are as they were.
    private void AssertRefusedWithNoNodeChanged(string config, params string[] reasons)
    {
        var before = Cluster.InstalledFiles();
        var pids = LoopbackCluster.Nodes.Select(Cluster.PidOf).ToList();

        var run = Cluster.Forge("--target=Verify", $"--config={config}");

        var error = BadInput.ErrorContract.OneLine(run);
        BadInput.ErrorContract.Says(error, run, [.. reasons, "no node was changed"]);
        Assert.Empty(before.Differences(Cluster.InstalledFiles()));
        Assert.Equal(pids, LoopbackCluster.Nodes.Select(Cluster.PidOf).ToList());
        Assert.All(pids, pid => Assert.True(pid is { } p && Cluster.IsOurEtcd(p), "a member stopped"));
    }

    private string Leader()
    {
        var status = Cluster.Etcdctl("endpoint", "status", "--write-out=json");
        Assert.True(status.ExitCode == 0, status.Stderr);
        var members = JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray().ToList();
        var leaderId = members[0].GetProperty("Status").GetProperty("leader").GetUInt64();
        var endpoint = members.Single(m => m.GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64() == leaderId).GetProperty("Endpoint").GetString()!;
        return LoopbackCluster.Nodes[Cluster.Endpoints.ToList().IndexOf(endpoint)];
    }
}
