using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;
using EtcdForge.EtcdFlags;
using EtcdForge.Tests.Configuration;

namespace EtcdForge.Tests.EtcdFlags;

// extraFlags checked against what Debian's etcd 3.4.23 knows (its own --help), each problem one line naming the
// description's line and field; values written as etcd's config file needs them.
public sealed class CheckedExtraFlagsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly EtcdBinaries Debian34 = new("3.4.23", "3.4.23", "distribution", "test", new string('0', 64), "/usr/bin");

    private Cluster Described(string clusterFlags, string etcd3Flags = "")
    {
        var yaml = ConfigFixture.Valid.Replace("  version: 3.5.21\n", $"  version: 3.5.21\n  extraFlags:\n{clusterFlags}");
        if (etcd3Flags.Length > 0) yaml = yaml.Replace("    address: 127.0.0.13\n", $"    address: 127.0.0.13\n    extraFlags: {{ {etcd3Flags} }}\n");
        return ConfigFixture.Load(_dir, yaml).Cluster;
    }

    private CheckedExtraFlags Check(Cluster cluster) => CheckedExtraFlags.Of(cluster, Debian34, new ArtifactLayout(_dir.Combine("artifacts"), cluster.Name));

    private ConfigProblem Refused(string clusterFlags, string etcd3Flags = "") =>
        Assert.Single(Assert.Throws<ConfigError>(() => Check(Described(clusterFlags, etcd3Flags))).Problems);

    [Fact]
    public void Values_are_written_as_etcds_config_file_reads_them_and_a_node_overrides_the_cluster()
    {
        var cluster = Described("    log-level: debug\n    max-request-bytes: 2097152\n    experimental-initial-corrupt-check: true\n    grpc-keepalive-min-time: 1m30s\n",
            "log-level: warn, experimental-corrupt-check-time: 500ms");
        var flags = Check(cluster);

        Assert.Equal(new EtcdVersion(3, 4, 23), flags.Version);
        Assert.Equal(
            ["experimental-initial-corrupt-check: true", "grpc-keepalive-min-time: 90000000000 # 1m30s", "log-level: 'debug'", "max-request-bytes: 2097152"],
            flags.For(cluster.Nodes[0]).Select(f => $"{f.Name}: {f.Yaml}"));
        Assert.Equal(
            ["experimental-corrupt-check-time: 500000000 # 500ms", "experimental-initial-corrupt-check: true", "grpc-keepalive-min-time: 90000000000 # 1m30s",
             "log-level: 'warn'", "max-request-bytes: 2097152"],
            flags.For(cluster.Nodes[2]).Select(f => $"{f.Name}: {f.Yaml}"));
    }

    [Fact]
    public void An_unknown_flag_names_its_line_field_and_the_etcd_version()
    {
        var problem = Refused("    no-such-flag: 1\n");
        Assert.Equal((7, "etcd.extraFlags.no-such-flag"), (problem.Line, problem.Field));
        Assert.Equal("etcd 3.4.23 has no flag 'no-such-flag'; write a flag as etcd 3.4.23's --help lists it, without the leading dashes", problem.Message);
        Assert.Equal(_dir.Combine("cluster.yaml"), problem.File);
    }

    [Fact]
    public void A_misspelt_flag_gets_a_suggestion_among_the_flags_extraFlags_may_set()
    {
        Assert.Contains("(did you mean 'log-level'?)", Refused("    log-levle: debug\n").Message);
        // heartbeat-interval is etcd's, but etcd-forge sets it: no suggestion to use it.
        Assert.DoesNotContain("did you mean", Refused("    heartbeat-intervall: 200\n").Message);
    }

    [Theory]
    [InlineData("max-request-bytes: lots", "'lots' is not a whole number, which etcd 3.4.23's max-request-bytes takes (its default: 1572864)")]
    [InlineData("max-request-bytes: 99999999999999999999", "is not a whole number of at most 9223372036854775807")]
    [InlineData("experimental-initial-corrupt-check: yes", "'yes' is not true or false, which etcd 3.4.23's experimental-initial-corrupt-check takes (its default: false)")]
    [InlineData("grpc-keepalive-min-time: 5", "'5' is not a duration like 5s, 100ms or 1h30m, which etcd 3.4.23's grpc-keepalive-min-time takes (its default: 5s)")]
    [InlineData("backend-batch-interval: soon", "'soon' is not a duration like 5s, 100ms or 1h30m, which etcd 3.4.23's backend-batch-interval takes")]
    public void A_value_of_the_wrong_kind_is_one_line(string entry, string message)
    {
        var problem = Refused($"    {entry}\n");
        Assert.Equal(7, problem.Line);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void A_nodes_own_bad_value_is_blamed_on_the_node()
    {
        var problem = Refused("    log-level: debug\n", "max-txn-ops: many");
        Assert.Equal(("nodes[2].extraFlags.max-txn-ops", 23), (problem.Field, problem.Line));
    }

    [Fact]
    public void Every_problem_is_reported_at_once() =>
        Assert.Equal(["etcd.extraFlags.no-such-flag", "etcd.extraFlags.pre-vote", "nodes[2].extraFlags.other-flag"],
            Assert.Throws<ConfigError>(() => Check(Described("    no-such-flag: 1\n    pre-vote: maybe\n", "other-flag: x"))).Problems.Select(p => p.Field));

    // A description without extraFlags never runs the binary: a missing one is not even looked at.
    [Fact]
    public void Without_extra_flags_the_binary_is_not_asked()
    {
        var cluster = ConfigFixture.Load(_dir, ConfigFixture.Valid).Cluster;
        var flags = CheckedExtraFlags.Of(cluster, Debian34 with { BinDir = _dir.Combine("nowhere") }, new ArtifactLayout(_dir.Combine("artifacts"), "test"));
        Assert.Empty(flags.For(cluster.Nodes[0]));
    }

    [Theory]
    [InlineData(FlagKind.Duration, "1h30m", "5400000000000 # 1h30m")]
    [InlineData(FlagKind.Duration, "1.5s", "1500000000 # 1.5s")]
    [InlineData(FlagKind.Duration, "250us", "250000 # 250us")]
    [InlineData(FlagKind.Duration, "0", "0 # 0")]
    [InlineData(FlagKind.Integer, "0042", "42")]
    [InlineData(FlagKind.Bool, "false", "false")]
    [InlineData(FlagKind.Text, "it's *", "'it''s *'")]
    [InlineData(FlagKind.Text, "", "''")]
    public void A_value_of_its_kind_is_written_for_etcds_config_file(FlagKind kind, string text, string yaml) =>
        Assert.Equal(new FlagValue.Reading(yaml, null), FlagValue.Read(kind, text));

    [Theory]
    [InlineData(FlagKind.Duration, "-1s")]
    [InlineData(FlagKind.Duration, "5 s")]
    [InlineData(FlagKind.Duration, "3000000h")]
    [InlineData(FlagKind.Integer, "-1")]
    [InlineData(FlagKind.Integer, "1e6")]
    [InlineData(FlagKind.Bool, "True")]
    [InlineData(FlagKind.Text, "two\nlines")]
    public void A_value_not_of_its_kind_is_refused(FlagKind kind, string text) =>
        Assert.Null(FlagValue.Read(kind, text).Yaml);
}
