namespace EtcdForge.Membership;

// A member as the running cluster lists it. A learner that was added but has not started yet has no name and
// no client URLs: etcd learns both when the member first talks to the cluster.
public sealed record LiveMember(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool IsLearner)
{
    public string Hex => Id.ToString("x16");

    public string Label => Name.Length > 0 ? $"{Name} (ID {Hex})" : $"unstarted member {string.Join(",", PeerUrls)} (ID {Hex})";

    public static LiveMember From(Etcdserverpb.Member member) =>
        new(member.ID, member.Name, [.. member.PeerURLs], [.. member.ClientURLs], member.IsLearner);
}

/// <summary>What the guards need to know about one listed member at the moment of a change.</summary>
public sealed record MemberHealth(LiveMember Member, bool Healthy, string Detail);
