using System.Text.Json;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.EndToEnd;

// The whole recipe against the three SSH test hosts (tests/hosts/testhosts.sh, brought up once by the TestHosts
// collection fixture): build and verify a cluster, re-run it (converged: nothing uploaded), poke it with tools the
// project did not write (Debian's etcdctl, curl, ssh, tar), refuse a wrong pinned host key, and destroy it.
// The steps depend on each other, so they run in order inside one test; Destroy runs in any case at the end.
[Collection(TestHostsCollection.Name)]
public sealed class SshClusterTests(TestHosts hosts) : IDisposable
{
    private const string Cluster = "sshe2e";
    private static readonly string[] Nodes = ["etcd1", "etcd2", "etcd3"];

    private readonly TempDir _scratch = new();
    private string Artifacts => _scratch.Combine("artifacts");
    private ClusterFiles Files => new(Path.Combine(Artifacts, Cluster));
    private static string Endpoint(int host) => $"https://{TestHosts.Address(host)}:2379";

    [TestHostFact]
    public void Builds_reruns_checks_refuses_a_wrong_host_key_and_destroys_a_cluster_over_ssh()
    {
        var config = _scratch.File("cluster.yaml", ClusterYaml(host => hosts.Fingerprint(host)));
        var destroyed = false;
        try
        {
            FirstRunVerifies(config);
            RerunUploadsNothing(config);
            ToolsTheProjectDidNotWriteTalkToTheCluster();
            NodeFilesArePrivateAndBundlesHoldNoCaKey();
            WrongPinnedHostKeyIsRefused();
            DestroyRemovesTheCluster(config);
            destroyed = true;
        }
        finally
        {
            // Leave no etcd running on the hosts, whatever failed above.
            if (!destroyed) Forge("--target=Destroy", "--yes", $"--config={config}");
        }
    }

    // 1. From nothing to a verified three-member cluster.
    private void FirstRunVerifies(string config)
    {
        var run = Forge("--target=Verify", $"--config={config}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Verify: all", run.Output);
    }

    // 2. The same run again changes nothing and uploads nothing.
    private void RerunUploadsNothing(string config)
    {
        var run = Forge("--target=Verify", $"--config={config}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Verify: all", run.Output);
        foreach (var node in Nodes) Assert.Contains($"[{node}] up to date, nothing uploaded", run.Output);

        using (var deploy = JsonDocument.Parse(File.ReadAllText(Path.Combine(Artifacts, Cluster, "reports", "deploy.json"))))
        {
            var entries = deploy.RootElement.EnumerateArray().ToList();
            Assert.Equal(Nodes, entries.Select(e => e.GetProperty("node").GetString()).Order().ToArray());
            Assert.All(entries, e => Assert.Equal(0, e.GetProperty("bytesUploaded").GetInt64()));
        }

        Assert.Contains(run.Lines, l => l.StartsWith("SingleNodeTest: skipped"));
        var bootstrap = run.Section("BootstrapCluster");
        Assert.True(bootstrap.Count > 0, "no BootstrapCluster section:\n" + run);
        Assert.DoesNotContain(bootstrap, l => l.Contains("changed:"));
        Assert.Contains("BootstrapCluster: nothing changed", bootstrap);
    }

    // 3. Debian's etcdctl and curl, from the root namespace over the bridge, with the client bundle's credentials.
    private void ToolsTheProjectDidNotWriteTalkToTheCluster()
    {
        var health = EtcdctlHealth();
        Assert.True(health.ExitCode == 0, "etcdctl endpoint health: " + health.Output);
        for (var host = 1; host <= TestHosts.Count; host++) Assert.Contains($"{Endpoint(host)} is healthy", health.Output);

        var range = Curl("--cert", Files.ClientCert, "--key", Files.ClientKey);
        Assert.True(range.ExitCode == 0, "curl with the client certificate: " + range.Output);
        using (var body = JsonDocument.Parse(range.Stdout))
        {
            Assert.True(body.RootElement.GetProperty("header").TryGetProperty("cluster_id", out _), range.Stdout);
        }

        var anonymous = Curl();
        Assert.True(anonymous.ExitCode != 0, "curl without a client certificate should be refused: " + anonymous.Output);
    }

    // 4. On a node the private key belongs to etcd, mode 600; no bundle carries the CA key.
    private void NodeFilesArePrivateAndBundlesHoldNoCaKey()
    {
        Assert.Equal("600 etcd", Ssh(1, "stat -c '%a %U' /etc/etcd/ssl/leaf/etcd1-key.pem").Trim());

        var bundles = Directory.GetFiles(Path.Combine(Artifacts, Cluster, "bundles"), "*.tar.gz");
        Assert.Equal(Nodes.Length + 1, bundles.Length); // one per node and the client's
        foreach (var bundle in bundles)
        {
            var entries = ExternalTool.Succeed("tar", "tzf", bundle).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(entries);
            Assert.DoesNotContain(entries, e => e.Contains("ca-key", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(entries, e => Path.GetFileName(e) == "etcd-root-ca-key.pem");
        }
    }

    // 5. host1 pinned to host2's fingerprint (and the other way round): DeployNodes fails naming etcd1 and the
    //    fingerprint host1 presented; etcd3 still finishes and the running cluster stays healthy.
    private void WrongPinnedHostKeyIsRefused()
    {
        var presented = hosts.Fingerprint(1);
        var swapped = _scratch.File("swapped.yaml", ClusterYaml(host => hosts.Fingerprint(host switch { 1 => 2, 2 => 1, _ => host })));

        var run = Forge("--target=DeployNodes", $"--config={swapped}");

        Assert.True(run.ExitCode != 0, "expected DeployNodes to fail:\n" + run);
        Assert.Contains(presented, run.Output);
        Assert.Contains(run.Lines, l => l.Contains("etcd1") && l.Contains(presented));
        Assert.False(run.Lines.Any(l => l.StartsWith("   at ")), "stack trace in output:\n" + run);
        Assert.False(run.Output.Contains("Unhandled exception"), run.ToString());
        // etcd3's pin is right: it still deploys and is reported like any other node.
        Assert.Contains("(finished on etcd3;", run.Output);
        Assert.DoesNotContain(run.Lines, l => l.Contains("etcd3: ") && l.Contains("does not match"));
        Assert.Contains("[etcd3] up to date, nothing uploaded", run.Lines);
        Assert.DoesNotContain(run.Lines, l => l.Contains("etcd3: host key"));

        var health = EtcdctlHealth();
        Assert.True(health.ExitCode == 0, "cluster after the refused deploy: " + health.Output);
    }

    // 6. Destroy --yes stops etcd and empties the data dir on every node.
    private void DestroyRemovesTheCluster(string config)
    {
        var pids = Enumerable.Range(1, TestHosts.Count).ToDictionary(h => h, h => Ssh(h, "cat /run/etcd/etcd.pid").Trim());
        Assert.All(pids.Values, pid => Assert.Matches("^[0-9]+$", pid));

        var run = Forge("--target=Destroy", "--yes", $"--config={config}");
        Assert.True(run.ExitCode == 0, run.ToString());

        foreach (var (host, pid) in pids)
        {
            Assert.Equal("", Ssh(host, "ls -A /var/lib/etcd 2>/dev/null || true").Trim());
            Assert.Equal("gone", Ssh(host, "test -e /run/etcd/etcd.pid && echo present || echo gone").Trim());
            // The hosts share the PID namespace with this machine; if the PID was reused, it is not etcd.
            var cmdline = Ssh(host, $"if [ -e /proc/{pid} ]; then tr '\\0' ' ' < /proc/{pid}/cmdline; fi").Trim();
            Assert.DoesNotContain("etcd", cmdline);
        }
    }

    private ForgeResult Forge(params string[] args) => ForgeProcess.Run([.. args, $"--artifacts={Artifacts}"]);

    private ToolResult EtcdctlHealth() => Files.Etcdctl(Enumerable.Range(1, TestHosts.Count).Select(Endpoint), "endpoint", "health");

    // A range request on the grpc gateway of host2, trusting the cluster's CA; extra args add client credentials.
    private ToolResult Curl(params string[] credentials) => ExternalTool.Run("curl",
        ["-sS", "--fail", "--max-time", "30", "--cacert", Files.CaCert, .. credentials,
         "-X", "POST", "-d", "{\"key\":\"Zm9v\"}", $"{Endpoint(2)}/v3/kv/range"]);

    private string Ssh(int host, string command) => ExternalTool.Succeed("ssh",
        "-i", TestHosts.Key("id_ed25519"),
        "-o", "UserKnownHostsFile=" + hosts.KnownHosts,
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "ConnectTimeout=10",
        $"root@{TestHosts.Address(host)}",
        command);

    // Host keys pinned by fingerprint (the other suites use known_hosts), so a swapped pin can be tried.
    private static string ClusterYaml(Func<int, string> fingerprint) => new ClusterDescription(Cluster)
    {
        Etcd = ["version: 3.5.21", "distributionFallback: true"],
        Nodes = [.. Enumerable.Range(1, TestHosts.Count).Select(h =>
            DescribedNode.SshPinned($"etcd{h}", TestHosts.Address(h).ToString(), TestHosts.Key("id_ed25519"), fingerprint(h)))],
    }.Yaml;

    public void Dispose() => _scratch.Dispose();
}
