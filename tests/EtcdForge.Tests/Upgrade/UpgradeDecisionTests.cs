using EtcdForge.Configuration;
using EtcdForge.Upgrade;
using static EtcdForge.Upgrade.UpgradeDecision;

namespace EtcdForge.Tests.Upgrade;

// The one rule for version changes, asked directly: what it allows, what it refuses and why, and the order.
public sealed class UpgradeDecisionTests
{
    private static EtcdVersion V(string text) => EtcdVersion.TryParse(text, out var v) ? v : throw new ArgumentException(text);

    private static Member M(string name, string? version, bool leader = false, bool healthy = true, string detail = "ok") =>
        new(name, version is null ? null : V(version), healthy && version is not null, leader, version is null ? "connection refused" : detail);

    private static IReadOnlyList<Member> Three(string version, int leader = 0) =>
        [M("etcd1", version, leader == 0), M("etcd2", version, leader == 1), M("etcd3", version, leader == 2)];

    [Fact]
    public void A_minor_upgrade_goes_followers_first_in_description_order_and_the_leader_last()
    {
        var result = Decide(Three("3.4.23", leader: 0), V("3.5.30"), []);

        Assert.Equal(Kind.Upgrade, result.Kind);
        Assert.Equal(V("3.4.23"), result.From);
        Assert.Equal(["etcd2", "etcd3", "etcd1"], result.Order);
    }

    [Fact]
    public void A_patch_upgrade_is_allowed()
    {
        var result = Decide(Three("3.5.26", leader: 2), V("3.5.30"), []);

        Assert.Equal(Kind.Upgrade, result.Kind);
        Assert.Equal(["etcd1", "etcd2", "etcd3"], result.Order);
    }

    [Fact]
    public void Nothing_running_or_everything_at_the_target_is_no_upgrade()
    {
        Assert.Equal(Kind.None, Decide([M("etcd1", null), M("etcd2", null), M("etcd3", null)], V("3.5.30"), []).Kind);
        Assert.Equal(Kind.None, Decide(Three("3.5.30"), V("3.5.30"), []).Kind);
    }

    [Fact]
    public void An_interrupted_upgrade_resumes_with_the_members_not_yet_upgraded()
    {
        var result = Decide([M("etcd1", "3.4.23", leader: true), M("etcd2", "3.5.30"), M("etcd3", "3.4.23")], V("3.5.30"), []);

        Assert.Equal(Kind.Upgrade, result.Kind);
        Assert.Equal(["etcd3", "etcd1"], result.Order);
    }

    // running -> target: why etcd refuses it.
    public static readonly TheoryData<string, string, string> RefusedChanges = new()
    {
        { "3.5.30", "3.4.23", "is a downgrade" }, { "3.5.30", "3.5.16", "is a downgrade" },
        { "3.4.23", "3.6.0", "skips a minor version" }, { "3.4.23", "3.7.1", "skips a minor version" },
        { "3.5.25", "3.6.5", "3.5.26 or later" }, { "3.5.16", "3.6.0", "3.5.26 or later" },
    };

    [Theory]
    [MemberData(nameof(RefusedChanges))]
    public void Refused_version_changes_say_why(string running, string target, string why)
    {
        var result = Decide(Three(running), V(target), []);

        Assert.Equal(Kind.Refused, result.Kind);
        Assert.Contains(why, result.Reason);
        Assert.Empty(result.Order);
    }

    [Fact]
    public void From_the_minimum_3_5_patch_to_3_6_is_allowed()
    {
        Assert.Equal(Kind.Upgrade, Decide(Three("3.5.26"), V("3.6.0"), []).Kind);
    }

    [Fact]
    public void A_member_that_is_down_or_unhealthy_refuses_the_upgrade_and_is_named()
    {
        var down = Decide([M("etcd1", "3.4.23", leader: true), M("etcd2", null), M("etcd3", "3.4.23")], V("3.5.30"), []);
        var sick = Decide([M("etcd1", "3.4.23", leader: true), M("etcd2", "3.4.23"), M("etcd3", "3.4.23", healthy: false, detail: "no leader")], V("3.5.30"), []);

        Assert.Equal(Kind.Refused, down.Kind);
        Assert.Contains("etcd2: connection refused", down.Reason);
        Assert.Equal(Kind.Refused, sick.Kind);
        Assert.Contains("etcd3: no leader", sick.Reason);
    }

    [Fact]
    public void An_active_alarm_refuses_the_upgrade()
    {
        var result = Decide(Three("3.4.23"), V("3.5.30"), ["NOSPACE on member 8e9e05c52164694d"]);

        Assert.Equal(Kind.Refused, result.Kind);
        Assert.Contains("NOSPACE", result.Reason);
    }
}
