using EtcdForge.Configuration;

namespace EtcdForge.Membership;

// The one rule for membership: the description against the running cluster's member list, as an ordered list
// of single changes. Plan shows it, BootstrapCluster carries it out. Members are matched by peer URL (the
// address is what etcd knows a member by before it has a name).
public static class MembershipDiff
{
    public sealed record Result(IReadOnlyList<MembershipChange> Changes, IReadOnlyList<string> Conflicts);

    // Order: a learner left by an earlier run first (etcd has one change in flight), then additions, then
    // removals, so a cluster that is both growing and shrinking never has fewer voters than either end state.
    public static Result Of(IReadOnlyList<Node> described, IReadOnlyList<LiveMember> live)
    {
        var conflicts = new List<string>();
        var pending = new List<MembershipChange>();
        var additions = new List<MembershipChange>();
        foreach (var node in described)
        {
            var member = MemberOf(node, live);
            var namesake = live.FirstOrDefault(m => m.Name == node.Name && m != member);
            if (namesake is not null)
            {
                conflicts.Add($"{node.Name}: the cluster has a member of that name at {string.Join(",", namesake.PeerUrls)}, " +
                              $"the description says {node.PeerUrl}; a member keeps its address: remove the old one first " +
                              "(drop it from the description and run with --yes), then add the node under its new address");
                continue;
            }
            if (member is null) additions.Add(new AddMember(node, null));
            else if (member.IsLearner) pending.Add(new AddMember(node, member));
        }
        var removals = live.Where(m => !described.Any(n => Matches(n, m)) && !conflicts.Any(c => m.Name.Length > 0 && c.StartsWith(m.Name + ":", StringComparison.Ordinal)))
            .Select(m => (MembershipChange)new RemoveMember(m));
        return new Result([.. pending, .. additions, .. removals], conflicts);
    }

    // Which described nodes BootstrapCluster starts (or restarts) as members of their own accord; every other
    // described node joins through an AddMember change. With a cluster running: its voting members. With none
    // answering: the nodes of the last applied description and any node with data (a stopped cluster comes back
    // as it was); with nothing applied yet either: all of them (day one, the static initial cluster).
    public static IReadOnlyList<Node> Founders(IReadOnlyList<Node> described, IReadOnlyList<LiveMember>? live, IReadOnlyList<Node> applied,
        Func<Node, bool> hasData)
    {
        if (live is not null) return [.. described.Where(n => MemberOf(n, live) is { IsLearner: false })];
        if (applied.Count == 0 && !described.Any(hasData)) return described;
        return [.. described.Where(n => hasData(n) || applied.Any(a => a.Name == n.Name && a.PeerUrl == n.PeerUrl))];
    }

    public static LiveMember? MemberOf(Node node, IReadOnlyList<LiveMember> live) =>
        live.FirstOrDefault(m => Matches(node, m));

    // A member that has run (it published its client URLs) whose node has no data dir: etcd would start it with an
    // empty log under a member ID the cluster gave to its lost data. Not something to fix silently:
    // ReplaceMember rebuilds it. A member of the initial cluster that never started has no client URLs yet.
    public static IReadOnlyList<string> LostData(IReadOnlyList<Node> described, IReadOnlyList<LiveMember> live, Func<Node, bool> hasData) =>
        described.Select(n => (Node: n, Member: MemberOf(n, live)))
            .Where(p => p.Member is { IsLearner: false, ClientUrls.Count: > 0 } && !hasData(p.Node))
            .Select(p => $"{p.Node.Name}: the cluster lists it as member ID {p.Member!.Hex}, but its data dir is gone; " +
                         $"rebuild it with --target=ReplaceMember --node={p.Node.Name} --yes")
            .ToList();

    private static bool Matches(Node node, LiveMember member) =>
        member.PeerUrls.Contains(node.PeerUrl, StringComparer.OrdinalIgnoreCase);
}
