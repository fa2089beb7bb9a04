using System.Net;
using EtcdForge.Configuration;
using EtcdForge.Membership;

namespace EtcdForge.Tests.Membership;

// The membership rule and its guards are pure: a description and a member list in, changes or a refusal out.
public sealed class MembershipDiffTests
{
    private const int PeerPort = 2380;

    private static Node Node(int i) => At($"etcd{i}", IPAddress.Parse($"198.18.200.{10 + i}"));

    private static Node At(string name, IPAddress address) => TestNode.At(name, address, peerPort: PeerPort);

    private static LiveMember Member(int i, bool learner = false, bool started = true) =>
        new((ulong)(0x1000 + i), started ? $"etcd{i}" : "", [$"https://198.18.200.{10 + i}:{PeerPort}"],
            started ? [$"https://198.18.200.{10 + i}:2379"] : [], learner);

    private static IReadOnlyList<Node> Nodes(params int[] ids) => [.. ids.Select(Node)];
    private static IReadOnlyList<LiveMember> Members(params int[] ids) => [.. ids.Select(i => Member(i))];

    [Fact]
    public void A_description_matching_the_cluster_needs_no_change()
    {
        var diff = MembershipDiff.Of(Nodes(1, 2, 3), Members(1, 2, 3));
        Assert.Empty(diff.Changes);
        Assert.Empty(diff.Conflicts);
    }

    [Fact]
    public void Two_changes_in_one_edit_become_single_changes_additions_before_removals_in_description_order()
    {
        var diff = MembershipDiff.Of(Nodes(1, 4, 2, 5), Members(1, 2, 3));
        Assert.Equal(["add etcd4 as learner, then promote", "add etcd5 as learner, then promote", "remove etcd3 (ID 0000000000001003): needs --yes"],
            diff.Changes.Select(c => c.Describe(false)));
        Assert.Equal("remove etcd3 (ID 0000000000001003), stop its etcd and remove its files", diff.Changes[2].Describe(true));
    }

    [Fact]
    public void A_learner_left_by_an_earlier_run_is_finished_first_not_added_again()
    {
        var live = new[] { Member(1), Member(2), Member(3), Member(4, learner: true) };
        var diff = MembershipDiff.Of(Nodes(1, 2, 3, 5, 4), live);
        Assert.Equal([typeof(AddMember), typeof(AddMember)], diff.Changes.Select(c => c.GetType()));
        Assert.Same(live[3], ((AddMember)diff.Changes[0]).Learner);
        Assert.Equal("etcd5", ((AddMember)diff.Changes[1]).Node.Name);
    }

    [Fact]
    public void A_learner_the_description_dropped_is_removed()
    {
        var diff = MembershipDiff.Of(Nodes(1, 2, 3), [Member(1), Member(2), Member(3), Member(4, learner: true, started: false)]);
        var remove = Assert.IsType<RemoveMember>(Assert.Single(diff.Changes));
        Assert.Equal(0x1004UL, remove.Member.Id);
    }

    [Fact]
    public void A_name_moved_to_another_address_is_a_conflict_not_a_silent_add_and_remove()
    {
        var moved = At("etcd3", IPAddress.Parse("198.18.200.99"));
        var diff = MembershipDiff.Of([Node(1), Node(2), moved], Members(1, 2, 3));
        Assert.Empty(diff.Changes);
        Assert.StartsWith("etcd3: the cluster has a member of that name at https://198.18.200.13:2380", Assert.Single(diff.Conflicts));
    }

    [Fact]
    public void Founders_are_the_voting_members_when_a_cluster_runs_the_applied_nodes_when_none_answers_and_all_on_day_one()
    {
        bool none(Node _) => false;
        Assert.Equal(["etcd1", "etcd2"], MembershipDiff.Founders(Nodes(1, 2, 3), [Member(1), Member(2), Member(3, learner: true)], [], none).Select(n => n.Name));
        Assert.Equal(["etcd1", "etcd2", "etcd3"], MembershipDiff.Founders(Nodes(1, 2, 3), null, Nodes(1, 2, 3), none).Select(n => n.Name));
        Assert.Equal(["etcd1", "etcd2", "etcd3"], MembershipDiff.Founders(Nodes(1, 2, 3, 4), null, Nodes(1, 2, 3), none).Select(n => n.Name));
        Assert.Equal(["etcd1", "etcd2", "etcd3", "etcd4"], MembershipDiff.Founders(Nodes(1, 2, 3, 4), null, [], none).Select(n => n.Name));
        Assert.Equal(["etcd2"], MembershipDiff.Founders(Nodes(1, 2, 3), null, [], n => n.Name == "etcd2").Select(n => n.Name));
    }

    [Fact]
    public void A_member_that_ran_and_lost_its_data_dir_is_reported_with_the_way_to_replace_it_one_that_never_ran_is_not()
    {
        var live = new[] { Member(1), Member(2), Member(3) with { ClientUrls = [] } };
        var lost = MembershipDiff.LostData(Nodes(1, 2, 3), live, n => n.Name != "etcd2" && n.Name != "etcd3");
        Assert.Equal(["etcd2: the cluster lists it as member ID 0000000000001002, but its data dir is gone; rebuild it with --target=ReplaceMember --node=etcd2 --yes"], lost);
    }

    private static IReadOnlyList<MemberHealth> Healthy(params LiveMember[] members) => [.. members.Select(m => new MemberHealth(m, true, "etcd 3.4.23"))];

    [Fact]
    public void Every_change_is_refused_while_a_member_is_unhealthy_or_an_alarm_is_active()
    {
        var add = new AddMember(Node(4), null);
        var health = new[] { new MemberHealth(Member(1), true, "ok"), new MemberHealth(Member(2), false, "connection refused"), new MemberHealth(Member(3), true, "ok") };
        Assert.Equal("add etcd4 as learner, then promote: refused while etcd2 (ID 0000000000001002) is unhealthy (connection refused); bring it back (BootstrapCluster restarts stopped members) and re-run",
            MembershipGuard.Refusal(add, health, [], confirmed: true));
        Assert.Contains("refused while an alarm is active (NOSPACE on member 0000000000001001)",
            MembershipGuard.Refusal(add, Healthy(Member(1), Member(2), Member(3)), ["NOSPACE on member 0000000000001001"], confirmed: true));
        Assert.Null(MembershipGuard.Refusal(add, Healthy(Member(1), Member(2), Member(3)), [], confirmed: false));
        // Before BootstrapCluster waits for health (an alarm shows in every member's status): all pending changes at once.
        Assert.Equal("add etcd4 as learner, then promote; add etcd5 as learner, then promote: refused while an alarm is active (NOSPACE on member 0000000000001001); resolve it, disarm it (etcdctl alarm disarm) and re-run",
            MembershipGuard.AlarmRefusal([add, new AddMember(Node(5), null)], ["NOSPACE on member 0000000000001001"], confirmed: false));
        Assert.Null(MembershipGuard.AlarmRefusal([add], [], confirmed: false));
    }

    [Fact]
    public void A_removal_needs_yes_says_when_it_leaves_no_fault_tolerance_and_never_removes_the_last_voter()
    {
        var three = Healthy(Member(1), Member(2), Member(3));
        Assert.Equal("etcd3 (ID 0000000000001003) not removed: removing it drops that member's data and leaves 2 voting member(s), which tolerate no failure; add --yes to confirm",
            MembershipGuard.Refusal(new RemoveMember(Member(3)), three, [], confirmed: false));
        Assert.Null(MembershipGuard.Refusal(new RemoveMember(Member(3)), three, [], confirmed: true));
        Assert.Contains("it is the last voting member", MembershipGuard.Refusal(new RemoveMember(Member(1)), Healthy(Member(1)), [], confirmed: true));
    }

    [Fact]
    public void The_member_a_change_is_about_may_be_down()
    {
        var health = new[] { new MemberHealth(Member(1), true, "ok"), new MemberHealth(Member(2), true, "ok"), new MemberHealth(Member(3), false, "connection refused") };
        Assert.Null(MembershipGuard.Refusal(new RemoveMember(Member(3)), health, [], confirmed: true));
        Assert.Null(MembershipGuard.Refusal(new ReplaceMember(Node(3), Member(3)), health, [], confirmed: true));
        var learner = Member(3, learner: true);
        Assert.Null(MembershipGuard.Refusal(new AddMember(Node(3), learner), [health[0], health[1], new MemberHealth(learner, false, "not started")], [], confirmed: false));
        Assert.Contains("not replaced: it deletes its data dir; add --yes", MembershipGuard.Refusal(new ReplaceMember(Node(3), Member(3)), health, [], confirmed: false));
    }
}
