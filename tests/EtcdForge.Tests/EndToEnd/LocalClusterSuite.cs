using System.Text.Json;
using System.Xml.Linq;

namespace EtcdForge.Tests.EndToEnd;

// A local 3-member cluster end to end: the real host brings it up, proves itself idempotent, is checked by tools
// the project did not write, survives a killed member, and is destroyed. Tests run in name order (T1..T7) against
// the one cluster the fixture made; T7 destroys it (the fixture destroys it again regardless). Run once per etcd
// version by the classes in SandboxClusterTests.cs.
public abstract class LocalClusterSuite(ILocalCluster cluster)
{
    private IReadOnlyList<string> Endpoints => cluster.Endpoints;

    private string Report => cluster.Files.Report("verify.json");
    private string Junit => cluster.Files.Report("verify.junit.xml");

    private ForgeResult Up => cluster.FirstRun.Succeeded("bringing up the sandbox");

    [Fact]
    public void T1_Verify_on_a_fresh_dir_brings_up_the_sandbox_and_every_check_passes()
    {
        var run = Up;
        Assert.Contains(run.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));

        using var report = JsonDocument.Parse(File.ReadAllText(Report));
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean(), File.ReadAllText(Report));
        Assert.Equal(0, report.RootElement.GetProperty("failures").GetArrayLength());
        var checks = report.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.NotEmpty(checks);
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.Equal(3, report.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("healthy").GetBoolean()));
        // The version the member itself reports over the wire, not the one asked for.
        Assert.All(report.RootElement.GetProperty("members").EnumerateArray(), m => Assert.Equal(cluster.Version, m.GetProperty("version").GetString()));

        var junit = XDocument.Load(Junit).Root!;
        Assert.Equal("0", junit.Attribute("failures")?.Value);
        Assert.Equal(checks.Count.ToString(), junit.Attribute("tests")?.Value);
    }

    [Fact]
    public void T2_A_second_Verify_changes_nothing()
    {
        _ = Up;
        string[] watched = ["pki", "bundles", .. LocalMembers.Names.Select(n => Path.Combine("nodes", n, "etc"))];
        var before = watched.ToDictionary(d => d, d => DirSnapshot.Of(Path.Combine(cluster.ClusterDir, d)));

        var run = cluster.Forge("--target=Verify");

        run.ChangedNothing("DownloadEtcd", "InitCa", "IssueCerts", "Package", "DeployNodes");
        Assert.True(run.Lines.Any(l => l.StartsWith("SingleNodeTest: skipped")), run.ToString());
        var bootstrap = run.Section("BootstrapCluster");
        Assert.Contains("BootstrapCluster: nothing changed", bootstrap);
        Assert.DoesNotContain(bootstrap, l => l.Contains("changed: "));
        Assert.Contains(run.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));
        foreach (var (dir, snapshot) in before)
        {
            Assert.NotEmpty(snapshot.Files);
            var diffs = snapshot.Differences(DirSnapshot.Of(Path.Combine(cluster.ClusterDir, dir)));
            Assert.True(diffs.Count == 0, $"{dir} changed: {string.Join("; ", diffs)}\n{run}");
        }
    }

    [Fact]
    public void T3_Debian_etcdctl_and_curl_work_with_the_issued_certificates()
    {
        _ = Up;
        var health = cluster.Files.Etcdctl(Endpoints, "endpoint", "health");
        Assert.True(health.ExitCode == 0, health.ToString());
        foreach (var endpoint in Endpoints) Assert.Contains($"{endpoint} is healthy", health.Output);

        var members = cluster.Files.Etcdctl(Endpoints, "member", "list", "-w", "json");
        Assert.True(members.ExitCode == 0, members.ToString());
        using (var json = JsonDocument.Parse(members.Stdout))
        {
            var names = json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()).Order().ToList();
            Assert.Equal(LocalMembers.Names, names);
        }

        var put = ExternalTool.RunWith("curl", null, "-sS", "--fail", "--max-time", "60", "--cacert", cluster.Files.CaCert, "--cert", cluster.Files.ClientCert, "--key", cluster.Files.ClientKey,
            $"{Endpoints[0]}/v3/kv/put", "-d", """{"key":"Zm9v","value":"YmFy"}""");
        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Contains("\"revision\"", put.Stdout);

        var anonymous = ExternalTool.RunWith("curl", null, "-sS", "--fail", "--max-time", "60", "--cacert", cluster.Files.CaCert,
            $"{Endpoints[0]}/v3/kv/put", "-d", """{"key":"Zm9v","value":"YmFy"}""");
        Assert.True(anonymous.ExitCode != 0, "a client without a certificate got in:\n" + anonymous);

        var plain = ExternalTool.RunWith("curl", null, "-sS", "--max-time", "60", Endpoints[0].Replace("https:", "http:") + "/version");
        Assert.DoesNotContain("etcdserver", plain.Stdout);
        Assert.DoesNotContain("etcdcluster", plain.Stdout);
    }

    [Fact]
    public void T4_Private_keys_are_readable_by_their_owner_only()
    {
        _ = Up;
        var keys = Directory.EnumerateFiles(cluster.Files.Pki, "*-key.pem")
            .Concat(LocalMembers.Names.SelectMany(n => Directory.EnumerateFiles(Path.Combine(cluster.NodeDir(n), "etc", "etcd", "ssl", "leaf"), "*-key.pem")))
            .ToList();
        // pki: CA + client + 2 per node; each node's ssl dir: its server and peer key.
        Assert.Equal(1 + 1 + 2 * 3 + 2 * 3, keys.Count);
        Assert.All(keys, k => Assert.True(File.GetUnixFileMode(k) == (UnixFileMode.UserRead | UnixFileMode.UserWrite),
            $"{k} has mode {File.GetUnixFileMode(k)}"));
    }

    [Fact]
    public void T5_Plan_on_the_running_cluster_has_nothing_to_change()
    {
        _ = Up;
        cluster.Forge("--target=Plan").PlannedNothing();
    }

    [Fact]
    public void T6_A_killed_member_fails_Verify_and_BootstrapCluster_brings_it_back()
    {
        _ = Up;
        var pid = cluster.PidOf("etcd2") ?? throw new InvalidOperationException("no pid file for etcd2");
        Assert.True(cluster.IsOurEtcd(pid), $"pid {pid} of etcd2 is not a running etcd of this sandbox");
        using (var member = System.Diagnostics.Process.GetProcessById(pid))
        {
            member.Kill();
            member.WaitForExit();
        }

        var degraded = cluster.Forge("--target=Verify", "--exclusive");
        Assert.True(degraded.ExitCode != 0, "Verify passed with etcd2 down:\n" + degraded);
        Assert.True(degraded.Output.Contains("etcd2") && degraded.Output.Contains("degraded"), degraded.ToString());
        using (var report = JsonDocument.Parse(File.ReadAllText(Report)))
        {
            Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
            var leader = report.RootElement.GetProperty("checks").EnumerateArray()
                .Single(c => c.GetProperty("check").GetString() == "one leader agreed by a quorum");
            Assert.True(leader.GetProperty("passed").GetBoolean(), leader.ToString());
            Assert.Contains("degraded but serving, down: etcd2", leader.GetProperty("detail").GetString());
        }

        var bootstrap = cluster.Forge("--target=BootstrapCluster");
        cluster.RecordPids();
        Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());
        Assert.Contains(bootstrap.Lines, l => l.Contains("etcd2") && l.Contains("started again as an existing member"));

        var healed = cluster.Forge("--target=Verify", "--exclusive");
        Assert.True(healed.ExitCode == 0, healed.ToString());
        Assert.Contains(healed.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));
    }

    [Fact]
    public void T6b_Changed_settings_restart_the_members_one_at_a_time_and_keep_the_data()
    {
        _ = Up;
        var put = cluster.Files.Etcdctl([Endpoints[0]], "put", "before-restart", "kept");
        Assert.True(put.ExitCode == 0, put.ToString());
        cluster.RecordPids();
        var oldPids = LocalMembers.Names.Select(n => cluster.PidOf(n)).ToList();
        var changed = cluster.ConfigWithEtcdSetting("snapshotCount: 20000");

        var run = cluster.Forge("--target=BootstrapCluster", $"--config={changed}");

        cluster.RecordPids();
        run.RestartedOneAtATime("etcd1", "etcd2", "etcd3");
        foreach (var (node, old) in LocalMembers.Names.Zip(oldPids))
        {
            Assert.NotEqual(old, cluster.PidOf(node));
            Assert.Contains("snapshot-count: 20000", File.ReadAllText(Path.Combine(cluster.NodeDir(node), "etc", "etcd", "etcd.conf.yml")));
        }

        Assert.Equal("kept", cluster.Files.ValueOf([Endpoints[2]], "before-restart"));
        var again = cluster.Forge("--target=Verify", $"--config={changed}");
        again.ChangedNothing("BootstrapCluster");
    }

    [Fact]
    public void T7_Destroy_stops_every_member_and_removes_the_nodes()
    {
        _ = Up;
        cluster.RecordPids();
        Assert.Equal(3, LocalMembers.Names.Count(n => cluster.PidOf(n) is { } p && cluster.IsOurEtcd(p)));

        var run = cluster.Forge("--target=Destroy", "--yes");

        Assert.True(run.ExitCode == 0, run.ToString());
        var alive = cluster.SeenPids.Where(cluster.IsOurEtcd).ToList();
        Assert.True(alive.Count == 0, $"etcd still running after Destroy: {string.Join(", ", alive)}\n{run}");
        var nodes = Path.Combine(cluster.ClusterDir, "nodes");
        Assert.True(!Directory.Exists(nodes) || !Directory.EnumerateFileSystemEntries(nodes).Any(),
            $"{nodes} not empty after Destroy\n{run}");
    }
}
