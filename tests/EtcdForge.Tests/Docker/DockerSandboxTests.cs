using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EtcdForge.Tests.EndToEnd;

namespace EtcdForge.Tests.Docker;

// service: docker end to end on this machine's engine (the Engine API over the Unix socket): the real host brings
// the three members up in containers, Debian's tools and the docker CLI check them from outside, then a crash, a
// `docker kill`, a member that cannot start, Backup and Restore, a fourth member joining and leaving again, changed
// settings and Destroy. Tests run in name order (T1..T8) against the one cluster the fixture made. Checks of
// the engine's state use the docker CLI, not etcd-forge's own code.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerSandboxCollection
{
    public const string Name = "Docker sandbox";
}

[Collection(DockerSandboxCollection.Name)]
public sealed class DockerSandboxTests(DockerSandbox cluster) : IClassFixture<DockerSandbox>
{

    private ForgeResult Up => cluster.FirstRun.Succeeded("bringing up the docker sandbox");

    [DockerFact]
    public void T1_Verify_brings_up_every_member_in_a_container_as_the_issue_describes()
    {
        var run = Up;
        Assert.Contains(run.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));
        var (id, digest, tag) = cluster.ReportedImage();
        Assert.Contains(run.Lines, l => l.Trim() == $"image {tag}: ID {id}, digest {digest} (dynamically linked; with /lib/x86_64-linux-gnu/libc.so.6, /lib64/ld-linux-x86-64.so.2)");
        Assert.Contains(run.Lines, l => l.Contains($"load image {tag} ({id})"));
        var etcdUser = ExternalTool.RunWith("id", null, "-u", "etcd").Stdout.Trim() + ":" + ExternalTool.RunWith("id", null, "-g", "etcd").Stdout.Trim();

        foreach (var node in DockerSandbox.Nodes)
        {
            var container = DockerSandbox.Container(node);
            var config = Path.Combine(cluster.NodeDir(node), "etc", "etcd");
            var data = Path.Combine(cluster.NodeDir(node), "var", "lib", "etcd");
            Assert.Equal($"true {id} host unless-stopped true {etcdUser}",
                DockerSandbox.Inspect(container, "{{.State.Running}} {{.Image}} {{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}"));
            Assert.NotEqual("0", etcdUser.Split(':')[0]);
            var binds = JsonSerializer.Deserialize<string[]>(DockerSandbox.Inspect(container, "{{json .HostConfig.Binds}}"))!;
            Assert.Equal([$"{config}:{config}:ro", $"{data}:{data}:rw"], binds.Order());
            Assert.Matches("^[0-9a-f]{64}$", DockerSandbox.Inspect(container, "{{index .Config.Labels \"io.etcd-forge.fingerprint\"}}"));
            // The member's data is on the node, written by the etcd user from inside the container.
            Assert.True(Directory.Exists(Path.Combine(data, "member")), $"{data}/member missing");
        }
        // The single-node test ran in a container of its own, which is gone.
        Assert.DoesNotContain(DockerSandbox.ContainersOfThisCluster(), n => n.EndsWith("-single-node-test"));
    }

    [DockerFact]
    public void T2_Debian_etcdctl_and_curl_work_from_outside()
    {
        _ = Up;
        var health = Etcdctl("endpoint", "health");
        Assert.True(health.ExitCode == 0, health.ToString());
        foreach (var endpoint in DockerSandbox.Endpoints) Assert.Contains($"{endpoint} is healthy", health.Output);

        var put = ExternalTool.RunWith("curl", null, "-sS", "--fail", "--max-time", "60", "--cacert", cluster.Files.CaCert, "--cert", cluster.Files.ClientCert, "--key", cluster.Files.ClientKey,
            "https://127.0.25.12:2379/v3/kv/put", "-d", """{"key":"ZG9ja2Vy","value":"b2s="}""");
        Assert.True(put.ExitCode == 0, put.ToString());
        var get = Etcdctl("get", "docker", "--print-value-only");
        Assert.True(get.ExitCode == 0 && get.Stdout.Trim() == "ok", get.ToString());
    }

    [DockerFact]
    public void T3_A_second_run_changes_nothing_and_leaves_the_containers_alone()
    {
        _ = Up;
        var before = DockerSandbox.Nodes.Select(n => DockerSandbox.Inspect(DockerSandbox.Container(n), "{{.Id}} {{.State.StartedAt}}")).ToList();

        var run = cluster.Forge("--target=Verify");

        run.ChangedNothing("DownloadEtcd", "InitCa", "IssueCerts", "Package", "DeployNodes", "BootstrapCluster");
        Assert.DoesNotContain(run.Lines, l => l.Contains("load image"));
        Assert.Equal(before, DockerSandbox.Nodes.Select(n => DockerSandbox.Inspect(DockerSandbox.Container(n), "{{.Id}} {{.State.StartedAt}}")));
        cluster.Forge("--target=Plan").PlannedNothing();
    }

    [DockerFact]
    public void T4_A_crashed_member_is_brought_back_by_the_restart_policy()
    {
        _ = Up;
        var container = DockerSandbox.Container("etcd3");
        var pid = int.Parse(DockerSandbox.Inspect(container, "{{.State.Pid}}"));
        using (var etcd = System.Diagnostics.Process.GetProcessById(pid)) etcd.Kill(); // SIGKILL from outside: a crash, not a `docker stop`

        // Not a timing assertion: the guard only keeps a broken engine from hanging the run.
        var state = Array.Empty<string>();
        for (var guard = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < guard; Thread.Sleep(200))
        {
            state = DockerSandbox.Inspect(container, "{{.State.Running}} {{.RestartCount}} {{.State.Pid}}").Split(' ');
            if (state[0] == "true" && state[1] != "0" && state[2] != pid.ToString()) break;
        }
        Assert.Equal(["true", "1"], state[..2]); // running again, restarted once by the engine, with no etcd-forge run

        cluster.Forge("--target=Verify", "--exclusive").Succeeded("Verify");
    }

    [DockerFact]
    public void T5_A_docker_killed_member_fails_Verify_and_BootstrapCluster_starts_its_container_again()
    {
        _ = Up;
        var container = DockerSandbox.Container("etcd2");
        var id = DockerSandbox.Inspect(container, "{{.Id}}");
        var kill = DockerSandbox.Docker("kill", container);
        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.Equal("false", DockerSandbox.Inspect(container, "{{.State.Running}}")); // docker kill is a deliberate stop: no restart

        var degraded = cluster.Forge("--target=Verify", "--exclusive");
        Assert.True(degraded.ExitCode != 0, "Verify passed with etcd2 killed:\n" + degraded);
        Assert.Contains("degraded but serving", degraded.Output);

        var bootstrap = cluster.Forge("--target=BootstrapCluster").Succeeded("BootstrapCluster");
        Assert.Contains(bootstrap.Lines, l => l.Contains("[etcd2] started again as an existing member"));
        Assert.Equal($"{id} true", DockerSandbox.Inspect(container, "{{.Id}} {{.State.Running}}")); // the same container, started again

        cluster.Forge("--target=Verify", "--exclusive").Succeeded("Verify");
    }

    [DockerFact]
    public void T6_A_member_whose_etcd_exits_at_once_is_reported_with_its_last_log_lines()
    {
        _ = Up;
        var container = DockerSandbox.Container("etcd2");
        Assert.True(DockerSandbox.Docker("kill", container).ExitCode == 0);
        ForgeResult failed;
        // etcd2's peer address taken by someone else: etcd exits as soon as it tries to listen.
        using (var squatter = new TcpListener(IPAddress.Parse("127.0.25.12"), 2380))
        {
            squatter.Start();
            failed = cluster.Forge("--target=BootstrapCluster");
        }

        Assert.True(failed.ExitCode != 0, failed.ToString());
        var error = Assert.Single(failed.ErrorLines);
        Assert.StartsWith($"Error: etcd2: etcd's container {container} exited right after start", error);
        Assert.Contains("last log lines: ", error);
        Assert.Contains("address already in use", error);
        Assert.DoesNotContain("   at ", failed.Output);
        // Stopped, not left looping under its restart policy; its log is still there for `docker logs`.
        Assert.Equal("false false", DockerSandbox.Inspect(container, "{{.State.Running}} {{.State.Restarting}}"));

        cluster.Forge("--target=BootstrapCluster").Succeeded("BootstrapCluster");
        cluster.Forge("--target=Verify", "--exclusive").Succeeded("Verify");
    }

    [DockerFact]
    public void T6b_Restore_brings_back_the_keys_of_a_backup_into_new_containers()
    {
        _ = Up;
        Put("restore/kept", "before");
        cluster.Forge("--target=Backup").Succeeded("Backup");
        var snapshot = Directory.GetFiles(Path.Combine(cluster.Cluster, "backups"), "*.db").Order(StringComparer.Ordinal).Last();
        Put("restore/kept", "overwritten");
        Put("restore/dropped", "after the backup");
        var before = DockerSandbox.Nodes.Select(n => DockerSandbox.Inspect(DockerSandbox.Container(n), "{{.Id}}")).ToList();

        var run = cluster.Forge("--target=Restore", $"--snapshot={snapshot}", "--yes").Succeeded("Restore");

        Assert.Equal(3, run.Lines.Count(l => l.EndsWith("] restored with its etcdctl", StringComparison.Ordinal)));
        Assert.Contains(run.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));
        Assert.Equal("before", Get("restore/kept"));
        Assert.Null(Get("restore/dropped"));
        // Stopping a docker member removes its container: each runs again in a new one, from the deployed config.
        foreach (var (node, old) in DockerSandbox.Nodes.Zip(before))
        {
            var container = DockerSandbox.Container(node);
            Assert.NotEqual(old, DockerSandbox.Inspect(container, "{{.Id}}"));
            Assert.Equal($"true --config-file {ConfigFile(node)}", DockerSandbox.Inspect(container, "{{.State.Running}} {{join .Config.Cmd \" \"}}"));
        }
    }

    [DockerFact]
    public void T6c_A_fourth_docker_member_joins_the_running_cluster_as_a_learner_and_is_promoted()
    {
        _ = Up;
        var running = DockerSandbox.Nodes.Select(n => DockerSandbox.Inspect(DockerSandbox.Container(n), "{{.Id}} {{.State.StartedAt}}")).ToList();
        var four = cluster.WriteConfig("four.yaml", File.ReadAllText(cluster.Config) + $$"""
              - name: etcd4
                address: {{DockerSandbox.FourthAddress}}
                connection: { type: local }
                service: docker

            """);

        var grow = cluster.Forge("--target=Verify", $"--config={four}").Succeeded("Verify with a fourth member");

        Assert.Contains(grow.Lines, l => l.Contains("[etcd4] added as learner (ID "));
        Assert.Contains(grow.Lines, l => l.Contains("[etcd4] promoted to voting member (ID "));
        Assert.Contains(grow.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));
        Assert.Equal(["add-learner etcd4", "promote etcd4"], MembershipLog().TakeLast(2));
        // Debian's etcdctl: four voting members. The three that ran were left alone.
        var list = Etcdctl("member", "list", "--write-out=json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var members = JsonDocument.Parse(list.Stdout))
        {
            var all = members.RootElement.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(["etcd1", "etcd2", "etcd3", "etcd4"], all.Select(m => m.GetProperty("name").GetString()).Order());
            Assert.DoesNotContain(all, m => m.TryGetProperty("isLearner", out var learner) && learner.GetBoolean());
        }
        Assert.True(running.SequenceEqual(DockerSandbox.Nodes.Select(n => DockerSandbox.Inspect(DockerSandbox.Container(n), "{{.Id}} {{.State.StartedAt}}"))), grow.ToString());
        // The new member's container runs the join config, which lives beside the deployed one, for its whole life:
        // the next run finds it current and plans nothing.
        var join = Path.Combine(cluster.NodeDir("etcd4"), "etc", "etcd", "etcd.join.conf.yml");
        Assert.Equal($"true --config-file {join}", DockerSandbox.Inspect(DockerSandbox.Container("etcd4"), "{{.State.Running}} {{join .Config.Cmd \" \"}}"));
        Assert.Contains("initial-cluster-state: 'existing'", File.ReadAllLines(join));
        cluster.Forge("--target=Plan", $"--config={four}").PlannedNothing();

        // Back to the suite's three members, so the tests after this one find the cluster they expect.
        var shrink = cluster.Forge("--target=BootstrapCluster", "--yes").Succeeded("BootstrapCluster back to three members");
        Assert.Contains(shrink.Lines, l => l.Contains("[etcd4] removed from the cluster (ID "));
        Assert.DoesNotContain(DockerSandbox.Container("etcd4"), DockerSandbox.ContainersOfThisCluster());
    }

    [DockerFact]
    public void T7_Changed_settings_replace_the_containers_one_at_a_time_and_keep_the_data()
    {
        _ = Up;
        var put = Etcdctl("put", "before-replace", "kept");
        Assert.True(put.ExitCode == 0, put.ToString());
        var before = DockerSandbox.Nodes.ToDictionary(n => n, n => DockerSandbox.Inspect(DockerSandbox.Container(n), "{{.Id}} {{index .Config.Labels \"io.etcd-forge.fingerprint\"}}"));
        var changed = cluster.WriteConfig("changed.yaml", File.ReadAllText(cluster.Config).Replace("etcd:\n", "etcd:\n  snapshotCount: 20000\n"));

        var run = cluster.Forge("--target=BootstrapCluster", $"--config={changed}");

        run.RestartedOneAtATime("etcd1", "etcd2", "etcd3");
        foreach (var node in DockerSandbox.Nodes)
        {
            var after = DockerSandbox.Inspect(DockerSandbox.Container(node), "{{.Id}} {{index .Config.Labels \"io.etcd-forge.fingerprint\"}}").Split(' ');
            var old = before[node].Split(' ');
            Assert.NotEqual(old[0], after[0]); // a new container
            Assert.NotEqual(old[1], after[1]); // with the new fingerprint
        }
        var get = Etcdctl("get", "before-replace", "--print-value-only");
        Assert.True(get.ExitCode == 0 && get.Stdout.Trim() == "kept", get.ToString());
        var again = cluster.Forge("--target=Verify", $"--config={changed}");
        again.ChangedNothing("BootstrapCluster");
    }

    [DockerFact]
    public void T8_Destroy_leaves_no_container_and_no_image_and_the_archive_loads_with_the_reported_ID()
    {
        _ = Up;
        var (id, _, tag) = cluster.ReportedImage();
        var archive = Path.Combine(cluster.Cluster, "bundles", "etcd-image-3.4.23.tar");
        var bytes = File.ReadAllBytes(archive);

        var run = cluster.Forge("--target=Destroy", "--yes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(DockerSandbox.ContainersOfThisCluster());
        Assert.Contains(run.Lines, l => l.Contains($"removed image {tag} ({id})"));
        Assert.NotEqual(0, DockerSandbox.Docker("image", "inspect", id).ExitCode);

        // Package again from scratch: the same bytes. Then the docker CLI loads it under the ID Package reported.
        File.Delete(archive);
        cluster.Forge("--target=Package").Succeeded("Package");
        Assert.Equal(bytes, File.ReadAllBytes(archive));
        var load = DockerSandbox.Docker("load", "--input", archive);
        try
        {
            Assert.True(load.ExitCode == 0, load.ToString());
            Assert.Contains($"Loaded image: {tag}", load.Stdout);
            Assert.Equal(id, DockerSandbox.Docker("image", "inspect", "--format", "{{.Id}}", tag).Stdout.Trim());
        }
        finally
        {
            DockerSandbox.Docker("image", "rm", id);
        }
    }

    private ToolResult Etcdctl(params string[] args) => cluster.Files.Etcdctl(DockerSandbox.Endpoints, args);

    private void Put(string key, string value)
    {
        var put = Etcdctl("put", key, value);
        Assert.True(put.ExitCode == 0, put.ToString());
    }

    private string? Get(string key)
    {
        var get = Etcdctl("get", key, "--print-value-only");
        Assert.True(get.ExitCode == 0, get.ToString());
        return get.Stdout.Trim() is { Length: > 0 } value ? value : null;
    }

    private string ConfigFile(string node) => Path.Combine(cluster.NodeDir(node), "etc", "etcd", "etcd.conf.yml");

    // reports/membership.json as "change node" lines, oldest first.
    private IEnumerable<string> MembershipLog()
    {
        using var log = JsonDocument.Parse(File.ReadAllText(cluster.Files.Report("membership.json")));
        return [.. log.RootElement.EnumerateArray().Select(e => $"{e.GetProperty("change").GetString()} {e.GetProperty("node").GetString()}")];
    }
}
