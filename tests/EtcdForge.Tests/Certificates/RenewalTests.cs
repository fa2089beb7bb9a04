using System.Text.Json;
using System.Xml.Linq;
using EtcdForge.Tests.EndToEnd;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Certificates;

// Renewal without restarts on real etcd, 3.4.23 and 3.5.30: a description whose leaves are always within
// renewBefore reissues them on every run; DeployNodes installs them in a new generation directory and switches
// the link; etcd keeps its PIDs and serves the new certificates on both ports, as openssl sees them.
[TestCaseOrderer(ByMethodName.TypeName, ByMethodName.Assembly)]
public abstract class RenewalTests(RenewalSandbox cluster)
{
    private static readonly string[] Nodes = LoopbackCluster.Nodes;

    private Dictionary<string, int> Pids() => Nodes.ToDictionary(n => n, n => cluster.PidOf(n) ?? throw new InvalidOperationException($"{n} has no pid"));

    private Dictionary<string, string> Served() => Nodes
        .SelectMany(n => new[] { ($"{n} client", cluster.ServedSerial(n, 2379)), ($"{n} peer", cluster.ServedSerial(n, 2380)) })
        .ToDictionary(p => p.Item1, p => p.Item2);

    private Dictionary<string, string> OnDisk() => Nodes
        .SelectMany(n => new[] { ($"{n} client", cluster.SerialOnDisk($"{n}.pem")), ($"{n} peer", cluster.SerialOnDisk($"{n}-peer.pem")) })
        .ToDictionary(p => p.Item1, p => p.Item2);

    [Fact]
    public async Task T1_Every_run_renews_every_leaf_and_etcd_serves_them_without_a_restart()
    {
        Assert.True(cluster.Bootstrap.ExitCode == 0, cluster.Bootstrap.ToString());
        var pids = Pids();
        var before = Served();
        Assert.Equal(OnDisk(), before);
        // The client's own certificate is renewed too; it keeps the files it started with, as a real one would.
        var client = Path.Combine(cluster.Artifacts, "client-before");
        Directory.CreateDirectory(client);
        foreach (var file in new[] { cluster.CaCert, cluster.ClientCert, cluster.ClientKey }) File.Copy(file, Path.Combine(client, Path.GetFileName(file)));
        string[] held = [Path.Combine(client, "etcd-root-ca.pem"), Path.Combine(client, "client.pem"), Path.Combine(client, "client-key.pem")];
        await using var writer = ContinuousWriter.Start(cluster.Endpoints, held[0], held[1], held[2], prefix: "ef-renewal");
        await writer.WaitForMoreAsync(20);

        for (var run = 1; run <= 2; run++)
        {
            var renewal = cluster.Forge("--target=RenewCerts");
            Assert.True(renewal.ExitCode == 0, renewal.ToString());
            Assert.Equal(7, renewal.Lines.Count(l => l.Contains("reissued (expires on") && l.Contains("within renewBefore")));
            Assert.Contains("BootstrapCluster: nothing changed", renewal.Lines);
            Assert.Contains(renewal.Lines, l => l.StartsWith("RenewCerts: all 6 checks passed"));

            Assert.Equal(pids, Pids());
            var after = Served();
            Assert.Equal(OnDisk(), after);
            Assert.All(after, p => Assert.NotEqual(before[p.Key], p.Value));
            before = after;
            await writer.WaitForMoreAsync(20);
        }

        var report = await writer.StopAsync();
        Assert.True(report.FailedAttempts == 0, report.ToString());
        await report.AssertNoLossAsync(string.Join(",", cluster.Endpoints), cluster.CaCert, cluster.ClientCert, cluster.ClientKey);
    }

    [Fact]
    public void T2_Certificates_lists_pki_and_served_certificates_and_its_reports_carry_the_checks()
    {
        var status = cluster.Forge("--target=Certificates");
        // Leaves valid 2 h inside a 3 h renewBefore are due: the expiry checks fail, the served ones pass.
        Assert.NotEqual(0, status.ExitCode);
        var reports = Path.Combine(cluster.ClusterDir, "reports");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, "certificates.json")));
        var certificates = json.RootElement.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(["client.pem", "etcd-root-ca.pem", "etcd1-peer.pem", "etcd1.pem", "etcd2-peer.pem", "etcd2.pem", "etcd3-peer.pem", "etcd3.pem"],
            certificates.Select(c => Path.GetFileName(c.GetProperty("file").GetString()!)));
        var etcd1 = certificates.Single(c => c.GetProperty("file").GetString()!.EndsWith("/etcd1.pem"));
        Assert.Equal(cluster.SerialOnDisk("etcd1.pem"), etcd1.GetProperty("serial").GetString());
        Assert.Contains(cluster.Host("etcd1"), etcd1.GetProperty("sans").EnumerateArray().Select(s => s.GetString()));
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        var served = checks.Where(c => c.GetProperty("check").GetString()!.Contains("port serves")).ToList();
        Assert.Equal(6, served.Count);
        Assert.All(served, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.Contains(checks, c => !c.GetProperty("passed").GetBoolean() && c.GetProperty("detail").GetString()!.Contains("run --target=RenewCerts"));

        var junit = XDocument.Load(Path.Combine(reports, "certificates.junit.xml")).Root!;
        Assert.Equal(checks.Count.ToString(), junit.Attribute("tests")?.Value);
    }

    // A member serving something else than pki/ holds fails the check, in the reports too. Simulated the way it
    // happens: the node's link points back at an older generation (as after a lost deploy).
    [Fact]
    public void T3_A_member_serving_another_certificate_than_pki_fails_the_served_check()
    {
        var ssl = Path.Combine(cluster.NodeDir("etcd2"), "etc", "etcd", "ssl");
        var current = new FileInfo(Path.Combine(ssl, "leaf")).LinkTarget!;
        var stale = Path.Combine(ssl, "leaf-0000000000000000");
        Directory.CreateDirectory(stale);
        foreach (var file in Directory.GetFiles(Path.Combine(ssl, current))) File.Copy(file, Path.Combine(stale, Path.GetFileName(file)));
        // Another valid certificate for etcd2: pki/ moves on (renewed), the node keeps serving the copy.
        var renewed = cluster.Forge("--target=IssueCerts");
        Assert.True(renewed.ExitCode == 0, renewed.ToString());
        File.Delete(Path.Combine(ssl, "leaf"));
        File.CreateSymbolicLink(Path.Combine(ssl, "leaf"), "leaf-0000000000000000");

        var status = cluster.Forge("--target=Certificates");
        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains(status.ErrorLines, l => l.Contains("etcd2: client port serves etcd2.pem: serves serial") && l.Contains("run --target=DeployNodes"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(cluster.ClusterDir, "reports", "certificates.json")));
        var failed = json.RootElement.GetProperty("checks").EnumerateArray()
            .Where(c => !c.GetProperty("passed").GetBoolean() && c.GetProperty("member").GetString() == "etcd2").Select(c => c.GetProperty("check").GetString()).ToList();
        Assert.Equal(["client port serves etcd2.pem", "peer port serves etcd2-peer.pem"], failed);

        // The next deploy puts the right generation back and removes the stale one; etcd serves pki/ again.
        var fixedRun = cluster.Forge("--target=RenewCerts");
        Assert.True(fixedRun.ExitCode == 0, fixedRun.ToString());
        Assert.False(Directory.Exists(stale));
        Assert.Equal(OnDisk(), Served());
    }
}

public sealed class RenewalTests34(RenewalSandbox34 cluster) : RenewalTests(cluster), IClassFixture<RenewalSandbox34>;

public sealed class RenewalTests35(RenewalSandbox35 cluster) : RenewalTests(cluster), IClassFixture<RenewalSandbox35>;
