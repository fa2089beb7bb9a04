using EtcdForge.Tests.BadInput;

namespace EtcdForge.Tests.EtcdFlags;

// Three local members on a loopback block of their own (127.0.29.11-13; Debian's etcd 3.4.23 from a loopback release
// host), described with etcd.extraFlags { log-level: debug } and etcd3 overriding it with info.
public sealed class ExtraFlagsCluster : LoopbackCluster
{
    public ExtraFlagsCluster()
        : base(block: 29, version: EtcdRelease.V34, name: "flags", etcd: ["extraFlags:", "  log-level: debug"],
            nodes: new Dictionary<string, string> { ["etcd3"] = "extraFlags: { log-level: info }" }) => Verify();

    public string ConfigFile(string node) => Path.Combine(NodeDir(node), "etc", "etcd", "etcd.conf.yml");
    public string Log(string node) => Path.Combine(NodeDir(node), "run", "etcd", "etcd.log");
    public Dictionary<string, int?> Pids() => Nodes.ToDictionary(n => n, PidOf);
}

// extraFlags end to end, in name order on one cluster: a flag reaches etcd.conf.yml and etcd runs with it; flags the
// obtained etcd does not take stop every target before anything changes; a changed flag is a rolling restart of
// exactly the members whose flags changed, in Plan and then in BootstrapCluster.
public sealed class ExtraFlagsSandboxTests(ExtraFlagsCluster cluster) : IClassFixture<ExtraFlagsCluster>
{
    private void Up() => Assert.True(cluster.FirstRun.ExitCode == 0, "bringing up the sandbox failed:\n" + cluster.FirstRun);

    [Fact]
    public void T1_log_level_debug_reaches_etcd_conf_and_etcd_logs_at_debug_except_where_a_node_overrides_it()
    {
        Up();
        Assert.Contains("\nlog-level: 'debug'\n", File.ReadAllText(cluster.ConfigFile("etcd1")));
        Assert.Contains("\nlog-level: 'info'\n", File.ReadAllText(cluster.ConfigFile("etcd3")));
        // Verify wrote through etcd1 and asked every member: etcd logs each request at debug level.
        Assert.Contains(File.ReadLines(cluster.Log("etcd1")), l => l.StartsWith("{\"level\":\"debug\"", StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadLines(cluster.Log("etcd3")), l => l.StartsWith("{\"level\":\"debug\"", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string, bool> Refused => new()
    {
        // the flag's line in the description, its field, what the error says, whether Plan is asked too
        { "    no-such-flag: 1", "etcd.extraFlags.no-such-flag", "etcd 3.4.23 has no flag 'no-such-flag'; write a flag as etcd 3.4.23's --help lists it", true },
        { "    max-request-bytez: 2097152", "etcd.extraFlags.max-request-bytez", "etcd 3.4.23 has no flag 'max-request-bytez' (did you mean 'max-request-bytes'?)", false },
        { "    experimental-initial-corrupt-check: yes", "etcd.extraFlags.experimental-initial-corrupt-check",
          "'yes' is not true or false, which etcd 3.4.23's experimental-initial-corrupt-check takes (its default: false)", false },
    };

    // Through the whole chain (BootstrapCluster): one line naming the line and field, and nothing changes, neither
    // under artifacts/ nor on the members (files and processes). Plan refuses with the same line.
    [Theory]
    [MemberData(nameof(Refused))]
    public void T2_a_flag_the_obtained_etcd_does_not_take_stops_every_target_before_anything_changes(string line, string field, string says, bool plan)
    {
        Up();
        var config = cluster.ConfigFor(EtcdRelease.V34, ["extraFlags:", "  log-level: debug", line[2..]]);
        var where = $"{config}:{LineOf(config, line)}: {field}: ";
        var artifacts = cluster.ArtifactFiles();
        var installed = cluster.InstalledFiles();
        var pids = cluster.Pids();

        foreach (var target in plan ? ["--target=BootstrapCluster", "--target=Plan"] : new[] { "--target=BootstrapCluster" })
        {
            var run = cluster.Forge(target, $"--config={config}");
            var error = ErrorContract.OneLine(run);
            Assert.True(error.StartsWith(where + says, StringComparison.Ordinal), $"expected '{where}{says}':\n{run}");
            // reports/applied.json is the run's own record of the steps it ran (none here), begun as a target starts
            // (Planning/AppliedSteps); everything else stays as it was.
            Assert.DoesNotContain(artifacts.Differences(cluster.ArtifactFiles()), d => !d.EndsWith("/reports/applied.json", StringComparison.Ordinal));
            Assert.Empty(installed.Differences(cluster.InstalledFiles()));
            Assert.Equal(pids, cluster.Pids());
        }
    }

    // No churn by description, on a cluster that runs: refused in one line, and nothing under artifacts/ changes.
    [Fact]
    public void T2_a_renewBefore_not_shorter_than_the_validity_changes_nothing()
    {
        Up();
        var text = File.ReadAllText(cluster.Config).Replace("pki:\n", "pki:\n  certValidity: 8760h\n  renewBefore: 9000h\n");
        var config = Path.Combine(Path.GetDirectoryName(cluster.Config)!, "renew-churn.yaml");
        File.WriteAllText(config, text);
        var artifacts = cluster.ArtifactFiles();

        var error = ErrorContract.OneLine(cluster.Forge("--target=BootstrapCluster", $"--config={config}"));

        Assert.Equal($"{config}:{LineOf(config, "  renewBefore: 9000h")}: pki.renewBefore: 9000h is not shorter than pki.certValidity (8760h): " +
            "every run would reissue every leaf certificate; make renewBefore shorter than that (720h for 8760h is usual), " +
            "and renew at will with --target=RenewCerts --force", error);
        Assert.Empty(artifacts.Differences(cluster.ArtifactFiles()));
    }

    // The cluster's log-level goes back to info: etcd1 and etcd2 get a new etcd.conf.yml; etcd3 already had info (its
    // own), so its file, fingerprint and process stay.
    [Fact]
    public void T3_a_changed_flag_is_planned_as_a_rolling_restart_of_the_members_it_changes_and_then_applied()
    {
        Up();
        var config = cluster.ConfigFor(EtcdRelease.V34, ["extraFlags:", "  log-level: info"]);
        var pids = cluster.Pids();

        var plan = cluster.Forge("--target=Plan", $"--config={config}");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("[etcd1] would restart etcd, one member at a time (its bundle changed since it started)", plan.Lines);
        Assert.Contains("[etcd2] would restart etcd, one member at a time (its bundle changed since it started)", plan.Lines);
        Assert.Contains(plan.Lines, l => l.StartsWith("[etcd1] would ", StringComparison.Ordinal) && l.Contains("etcd.conf.yml"));
        Assert.Contains("[etcd3] no changes", plan.Lines);

        var applied = cluster.Forge("--target=BootstrapCluster", $"--config={config}");
        cluster.RecordPids();

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("\nlog-level: 'info'\n", File.ReadAllText(cluster.ConfigFile("etcd1")));
        var now = cluster.Pids();
        Assert.NotEqual(pids["etcd1"], now["etcd1"]);
        Assert.NotEqual(pids["etcd2"], now["etcd2"]);
        Assert.Equal(pids["etcd3"], now["etcd3"]);
        Assert.Contains("Plan: nothing to change", cluster.Forge("--target=Plan", $"--config={config}").Lines);
    }

    private static int LineOf(string file, string text)
    {
        var content = File.ReadAllText(file);
        var index = content.IndexOf(text + "\n", StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{text}' is not in {file}");
        return content[..index].Count(c => c == '\n') + 1;
    }
}
