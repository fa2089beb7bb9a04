using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Membership;

// A three-member cluster on SSH test hosts 1-3 grown by the spare host 4 while the link to host 4's peer port is
// slowed (testhosts.sh rate): the learner cannot catch up, so its promotion times out with one line; the cluster
// stays healthy with etcd4 still a learner; once the link is restored a re-run promotes it.
[Collection(TestHostsCollection.Name)]
public sealed class LearnerCatchUpTests(LearnerCatchUpTests.GrowingCluster cluster) : IClassFixture<LearnerCatchUpTests.GrowingCluster>
{
    public sealed class GrowingCluster() : TestHostCluster("membership", TestHosts.Key("id_ed25519"))
    {
        // The description with host 4 added as etcd4, written beside the first one.
        public string GrownConfig => Path.Combine(Scratch, "grown.yaml");

        public ForgeResult Grown(params string[] args) =>
            new ForgeProcess().Start([.. args, $"--config={GrownConfig}", $"--artifacts={Artifacts}"]);

        public override void Dispose()
        {
            try
            {
                TestHosts.ScriptAsync("rate", TestHosts.Spare.ToString(), "none").GetAwaiter().GetResult();
                if (File.Exists(GrownConfig)) Grown("--target=Destroy", "--yes");
            }
            finally
            {
                base.Dispose();
            }
        }
    }

    [TestHostFact]
    public async Task A_learner_that_cannot_catch_up_times_out_with_one_line_and_a_rerun_after_the_link_is_back_promotes_it()
    {
        var first = cluster.Forge("--target=Verify");
        Assert.True(first.ExitCode == 0, first.ToString());
        // Enough log for a learner behind an 8 kbit/s link to need minutes: five 100 KB values.
        var value = new string('x', 100_000);
        for (var i = 0; i < 5; i++) cluster.EtcdctlSucceeds("put", $"ef-bulk/{i}", value);

        // nodes: is the description's last section: the spare host joins as etcd4.
        File.WriteAllText(cluster.GrownConfig, File.ReadAllText(cluster.Config) + cluster.Hosts.Member(TestHosts.Spare).Yaml + "\n");

        // Raft entries reach a member posted to its port 2380 or streamed over connections it dialled to its peers' 2380.
        await TestHosts.ScriptAsync("rate", TestHosts.Spare.ToString(), "both:2380", "8kbit");
        var slow = cluster.Grown("--target=BootstrapCluster", "--bootstrap-timeout=10");
        Assert.True(slow.ExitCode != 0, slow.ToString());
        var error = Assert.Single(slow.ErrorLines);
        Assert.Matches(@"^Error: etcd4: learner \(ID [0-9a-f]{16}\) not promoted within 10 s: it has not caught up with the leader's log .*; it stays a learner and the rest of the cluster is unchanged; .*re-run BootstrapCluster to promote it$", error);

        var members = cluster.EtcdctlSucceeds("member", "list");
        // Listed by its peer URL: a learner that has not caught up has not published its name yet.
        Assert.Contains(members.Split('\n'), l => l.Contains($"https://{TestHosts.Address(TestHosts.Spare)}:2380") && l.TrimEnd().EndsWith("true", StringComparison.Ordinal));
        var health = cluster.Etcdctl("endpoint", "health");
        Assert.True(health.ExitCode == 0, health.Output);

        await TestHosts.ScriptAsync("rate", TestHosts.Spare.ToString(), "none");
        var rerun = cluster.Grown("--target=Verify");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("[etcd4] promoted to voting member", rerun.Output);
        Assert.DoesNotContain(cluster.EtcdctlSucceeds("member", "list").Split('\n'), l => l.TrimEnd().EndsWith("true", StringComparison.Ordinal));
    }
}
