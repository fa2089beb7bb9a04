using System.Text.Json;
using System.Xml.Linq;

namespace EtcdForge.Tests.EndToEnd;

// Three local members on a loopback block of their own (127.0.22.11-13, Debian's etcd 3.4.23 from a loopback release
// host), so this class runs in parallel with the other suites.
public sealed class NewUserCluster : LoopbackCluster
{
    public NewUserCluster() : base(block: 22, version: EtcdRelease.V34) => Verify();
}

// What a new user meets after the quick start, through the real host with its output redirected as into a file or
// a CI log (no NO_COLOR, a colour terminal type): plain text and one line per member; the client bundle's
// etcdctl.env sourced for Debian's etcdctl; a member down during Verify; members that die as they start.
// Tests run in name order against the one cluster the fixture made.
public sealed class NewUserTests(NewUserCluster cluster) : IClassFixture<NewUserCluster>
{
    private static readonly ForgeProcess IntoALog = new()
    {
        Environment = new Dictionary<string, string?> { ["NO_COLOR"] = null, ["CI"] = null, ["TERM"] = "xterm-256color", ["COLORTERM"] = "truecolor" },
    };

    private string Report => Path.Combine(cluster.ClusterDir, "reports", "verify.json");
    private string Wal(string node) => Path.Combine(cluster.NodeDir(node), "var", "lib", "etcd", "member", "wal");
    private string Db(string node) => Path.Combine(cluster.NodeDir(node), "var", "lib", "etcd", "member", "snap", "db");
    private string Log(string node) => Path.Combine(cluster.NodeDir(node), "run", "etcd", "etcd.log");

    private void Up() => Assert.True(cluster.FirstRun.ExitCode == 0, "bringing up the sandbox failed:\n" + cluster.FirstRun);

    [Fact]
    public void T1_Output_into_a_log_is_plain_text_with_one_line_per_member_and_per_check()
    {
        Up();
        var run = cluster.Forge(IntoALog, "--target=Verify");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain('\u001b', run.Output);
        for (var i = 1; i <= 3; i++)
        {
            var line = Assert.Single(run.Lines, l => l.Contains($"member=etcd{i} "));
            Assert.StartsWith($"  member=etcd{i} endpoint=https://127.0.22.1{i}:2379 healthy=yes version=3.", line);
        }
        using var report = JsonDocument.Parse(File.ReadAllText(Report));
        var checks = report.RootElement.GetProperty("checks").GetArrayLength();
        Assert.Equal(checks, run.Lines.Count(l => l.StartsWith("  pass ", StringComparison.Ordinal)));
        Assert.Contains("  pass cluster: write through first member, linearizable read through last: wrote through etcd1, read the same value through etcd3", run.Lines);
    }

    [Fact]
    public void T2_Sourcing_the_client_bundles_etcdctl_env_points_Debians_etcdctl_at_the_cluster()
    {
        Up();
        using var dir = new TempDir();
        var untar = ExternalTool.RunWith("tar", null, "-xzf", Path.Combine(cluster.ClusterDir, "bundles", "client.tar.gz"), "-C", dir.Path);
        Assert.True(untar.ExitCode == 0, untar.ToString());
        const string clean = "unset ETCDCTL_API ETCDCTL_ENDPOINTS ETCDCTL_CACERT ETCDCTL_CERT ETCDCTL_KEY; ";

        // bash, from another directory: the paths resolve against the file's own directory.
        var bash = ExternalTool.RunWith("bash", null, "-c",
            clean + $"cd / && source '{dir.Path}/etcdctl.env' && /usr/bin/etcdctl endpoint health && /usr/bin/etcdctl put new-user sourced");
        // sh (dash), as the file's header says: from the bundle's directory.
        var sh = ExternalTool.RunWith("sh", null, "-c", clean + $"cd '{dir.Path}' && . ./etcdctl.env && /usr/bin/etcdctl get new-user --print-value-only");

        Assert.True(bash.ExitCode == 0, bash.ToString());
        for (var i = 1; i <= 3; i++) Assert.Contains($"https://127.0.22.1{i}:2379 is healthy", bash.Output);
        Assert.DoesNotContain("unrecognized environment variable", bash.Output);
        Assert.True(sh.ExitCode == 0, sh.ToString());
        Assert.Equal("sourced", sh.Stdout.Trim());
    }

    [Fact]
    public void T3_With_the_first_member_down_Verify_judges_the_TLS_doors_on_the_live_members()
    {
        Up();
        WhileDown("etcd1", () =>
        {
            var run = cluster.Forge(IntoALog, "--target=Verify", "--exclusive");

            Assert.True(run.ExitCode != 0, "Verify passed with etcd1 down:\n" + run);
            Assert.DoesNotContain('\u001b', run.Output);
            var error = Assert.Single(run.ErrorLines);
            Assert.StartsWith("Error: Verify failed: etcd1: healthy: unreachable at https://127.0.22.11:2379", error);
            Assert.DoesNotContain("cannot judge", run.Output);
            using (var report = JsonDocument.Parse(File.ReadAllText(Report)))
            {
                var doors = report.RootElement.GetProperty("checks").EnumerateArray()
                    .Where(c => c.GetProperty("check").GetString()!.EndsWith(" refused", StringComparison.Ordinal)).ToList();
                Assert.Equal(9, doors.Count);
                foreach (var door in doors)
                {
                    var member = door.GetProperty("member").GetString();
                    if (member == "etcd1")
                    {
                        Assert.True(door.GetProperty("skipped").GetBoolean(), door.ToString());
                        Assert.Contains("judged on etcd2, etcd3", door.GetProperty("detail").GetString());
                    }
                    else
                    {
                        Assert.True(door.GetProperty("passed").GetBoolean(), door.ToString());
                    }
                }
            }
            var junit = XDocument.Load(Path.Combine(cluster.ClusterDir, "reports", "verify.junit.xml")).Root!;
            // etcd1's three doors and its two served-certificate checks (client and peer port) are not judged.
            Assert.Equal("5", junit.Attribute("skipped")?.Value);
            Assert.Equal("1", junit.Attribute("failures")?.Value);

        });
    }

    [Fact]
    public void T4_A_member_that_dies_as_it_starts_is_one_line_with_etcds_reason_its_log_and_the_others()
    {
        Up();
        WhileDown("etcd1", () =>
        {
            // A database etcd cannot open: etcd panics and prints a Go stack trace after its log line.
            File.Copy(Db("etcd1"), Db("etcd1") + ".kept", overwrite: true);
            File.WriteAllBytes(Db("etcd1"), Enumerable.Repeat((byte)0xde, 65536).ToArray());

            var run = cluster.Forge(IntoALog, "--target=BootstrapCluster", "--exclusive");

            File.Move(Db("etcd1") + ".kept", Db("etcd1"), overwrite: true);
            Assert.True(run.ExitCode != 0, "BootstrapCluster passed with a corrupt database on etcd1:\n" + run);
            Assert.Contains("goroutine ", File.ReadAllText(Log("etcd1")));
            var error = Assert.Single(run.ErrorLines);
            Assert.Equal($"Error: etcd1: etcd exited right after start; log: failed to open database: invalid database " +
                         $"(full log: {Log("etcd1")}); left untouched: etcd2, etcd3", error);
        });
    }

    [Fact]
    public void T5_A_restarted_member_that_dies_is_one_line_and_the_members_after_it_are_left_untouched()
    {
        Up();
        var others = new[] { cluster.PidOf("etcd2"), cluster.PidOf("etcd3") };
        // A WAL segment etcd cannot read, read only when etcd starts again; new settings make every member due a restart.
        var garbage = Path.Combine(Wal("etcd1"), "0000000000000001-0000000000000001.wal");
        File.WriteAllBytes(garbage, Enumerable.Repeat((byte)0xde, 65536).ToArray());
        var config = cluster.ConfigWithEtcdSetting("snapshotCount: 10001");

        var run = cluster.Forge(IntoALog, "--target=BootstrapCluster", $"--config={config}");

        File.Delete(garbage);
        Assert.True(run.ExitCode != 0, "BootstrapCluster passed with an unreadable WAL on etcd1:\n" + run);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("Error: etcd1: etcd exited right after start; log: discovery failed: wal: ", error);
        Assert.EndsWith($" (full log: {Log("etcd1")}); left untouched: etcd2, etcd3 (not restarted, to keep the quorum); " +
                        "fix it and re-run BootstrapCluster", error);
        Assert.Equal(others, new[] { cluster.PidOf("etcd2"), cluster.PidOf("etcd3") });
        Assert.All(others, pid => Assert.True(cluster.IsOurEtcd(pid!.Value), $"pid {pid} no longer runs"));

        var healed = cluster.Forge(IntoALog, "--target=Verify", $"--config={config}");
        cluster.RecordPids();
        Assert.True(healed.ExitCode == 0, healed.ToString());
    }

    // Kills the member, runs the body, and brings the member back even when the body fails, so one failed assertion
    // does not leave it down for the tests after this one.
    private void WhileDown(string node, Action body)
    {
        Kill(node);
        try { body(); }
        finally { BackUp(); }
    }

    private void Kill(string node)
    {
        var pid = cluster.PidOf(node) ?? throw new InvalidOperationException($"no pid file for {node}");
        Assert.True(cluster.IsOurEtcd(pid), $"pid {pid} of {node} is not a running etcd of this sandbox");
        using var member = System.Diagnostics.Process.GetProcessById(pid);
        member.Kill();
        member.WaitForExit();
    }

    private void BackUp()
    {
        var run = cluster.Forge("--target=BootstrapCluster", "--exclusive");
        cluster.RecordPids();
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
