using EtcdForge.Configuration;

namespace EtcdForge.Membership;

// One membership change: etcd allows a single one at a time, and each is finished (promoted, or removed and
// cleaned up) and the cluster healthy again before the next starts.
public abstract record MembershipChange
{
    public abstract string Describe(bool confirmed);
}

/// <summary>A described node the cluster does not have as a voting member: added as a learner, started as an
/// existing member, then promoted. <paramref name="Learner"/> is a learner an earlier run added and did not
/// promote; it is finished rather than added again.</summary>
public sealed record AddMember(Node Node, LiveMember? Learner) : MembershipChange
{
    public override string Describe(bool confirmed) => Learner is null
        ? $"add {Node.Name} as learner, then promote"
        : $"promote learner {Node.Name} (ID {Learner.Hex}, added by an earlier run){(Learner.Name.Length == 0 ? " after starting it" : "")}";
}

/// <summary>A member the description no longer lists: removed from the cluster, then its etcd stopped and its
/// files removed on its node. It drops that member's data, so it needs --yes.</summary>
public sealed record RemoveMember(LiveMember Member) : MembershipChange
{
    public override string Describe(bool confirmed) =>
        $"remove {Member.Label}" + (confirmed ? ", stop its etcd and remove its files" : ": needs --yes");
}

/// <summary>ReplaceMember: the same name and address with a new member ID and an empty data dir.</summary>
public sealed record ReplaceMember(Node Node, LiveMember? Old) : MembershipChange
{
    public override string Describe(bool confirmed) =>
        (Old is null ? $"add {Node.Name} as learner (it is not a member now), then promote"
                     : $"replace {Old.Label}: remove it, wipe its data dir, add it again as learner, then promote")
        + (confirmed ? "" : ": needs --yes");
}
