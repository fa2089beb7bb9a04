using System.Text.Json;

namespace EtcdForge.Tests.Host;

// Plan is read-only end to end: it says what DownloadEtcd, InitCa, IssueCerts and Package would do and what each
// node would get, and writes nothing under artifacts/ but its report, reports/plan.json (the tree is compared
// before and after). The sandbox's
// nodes are local: their state is read from files under artifacts/, no member runs and no port is used.
[Collection(HostCollection.Name)]
public sealed class PlanRunTests(PreparedArtifacts prepared) : IDisposable
{
    private readonly TempDir _scratch = new();

    [Fact]
    public void Plan_from_an_empty_artifacts_dir_reports_every_step_and_writes_nothing()
    {
        var artifacts = _scratch.Combine("artifacts");
        Directory.CreateDirectory(artifacts);
        var before = DirSnapshot.Of(artifacts);

        var run = ForgeProcess.Run("--target=Plan", $"--artifacts={artifacts}");

        Assert.True(run.ExitCode == 0, run.ToString());
        HostAssert.Plain(run);
        Assert.Contains(run.Lines, l => l.StartsWith("DownloadEtcd would obtain etcd 3.5.21 from ", StringComparison.Ordinal));
        Assert.Contains("InitCa would create etcd-root-ca.pem (ecdsa-p256)", run.Lines);
        foreach (var cert in new[] { "etcd1.pem", "etcd1-peer.pem", "etcd3-peer.pem", "client.pem" }) Assert.Contains($"IssueCerts would issue {cert}", run.Lines);
        foreach (var bundle in new[] { "etcd1", "etcd2", "etcd3", "client" })
        {
            Assert.Contains(run.Lines, l => l.StartsWith("Package would write ", StringComparison.Ordinal) && l.Contains($"/bundles/{bundle}.tar.gz (with the etcd DownloadEtcd obtains)"));
        }
        Assert.Contains("Package would write the etcd image (with the etcd DownloadEtcd obtains)", run.Lines);
        Assert.Contains("[etcd2] would install its new bundle (which files differ is known once Package has built it)", run.Lines);
        Assert.Contains("[etcd2] would start etcd as a new member", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith("Plan: ", StringComparison.Ordinal) && l.EndsWith(" change(s); nothing was changed", StringComparison.Ordinal));
        Assert.Equal(["added: sandbox/reports/plan.json"], before.Differences(DirSnapshot.Of(artifacts)));
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "sandbox", "reports", "plan.json"))).RootElement;
        Assert.Equal(1, report.GetProperty("schemaVersion").GetInt32());
        var ids = report.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal("DownloadEtcd/obtain/etcd", ids[0]);
        Assert.Contains("IssueCerts/issue/etcd1.pem", ids);
        Assert.Equal(["BootstrapCluster/start/etcd1", "BootstrapCluster/start/etcd2", "BootstrapCluster/start/etcd3"], ids.TakeLast(3));
        Assert.Equal(ids.Count, int.Parse(run.Lines.Single(l => l.StartsWith("Plan: ", StringComparison.Ordinal)).Split(' ')[1]));
    }

    // After Package the local steps have nothing to do, and the node plan comes from the exact bundles.
    [Fact]
    public void Plan_over_built_artifacts_has_no_local_changes_and_lists_each_file_a_node_would_get()
    {
        var run = prepared.RunWithoutWriting("--target=Plan");

        Assert.DoesNotContain(run.Lines, l => l.StartsWith("DownloadEtcd would", StringComparison.Ordinal) || l.StartsWith("InitCa would", StringComparison.Ordinal)
                                              || l.StartsWith("IssueCerts would", StringComparison.Ordinal) || l.StartsWith("Package would", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("[etcd1] would upload ", StringComparison.Ordinal) && l.Contains("etcd.conf.yml"));
        Assert.Contains("[etcd1] would start etcd as a new member", run.Lines);
    }

    // A changed description: the certificate it affects would be reissued, that node's bundle rebuilt after it,
    // and a setting that only reaches etcd.conf.yml is shown file by file. Still nothing written.
    [Fact]
    public void Plan_over_built_artifacts_with_a_changed_description_shows_the_reissue_and_the_new_bundle()
    {
        var text = File.ReadAllText(RepoPaths.Config("cluster.yaml"))
            .Replace("    hostnames: [etcd2.sandbox.local]", "    hostnames: [etcd2.sandbox.local, etcd2.example.internal]")
            .Replace("  peerPort: 2380", "  peerPort: 2380\n  snapshotCount: 5000");
        var config = _scratch.File("cluster.yaml", text);

        var run = prepared.RunWithoutWriting("--target=Plan", $"--config={config}");

        Assert.Contains(run.Lines, l => l.StartsWith("IssueCerts would reissue etcd2.pem (SANs differ: +etcd2.example.internal", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("Package would write ", StringComparison.Ordinal) && l.EndsWith("/bundles/etcd2.tar.gz (with the reissued certificates)", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("Package would write ", StringComparison.Ordinal) && l.Contains("/bundles/etcd1.tar.gz (", StringComparison.Ordinal)
                                        && l.Contains("etcd.conf.yml changed", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("DownloadEtcd would", StringComparison.Ordinal) || l.StartsWith("InitCa would", StringComparison.Ordinal));
    }

    public void Dispose() => _scratch.Dispose();
}
