using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Reporting;

namespace EtcdForge.Membership;

// Carries out the changes MembershipDiff (or ReplaceMember) decided, one at a time: the guards are checked
// against the cluster as it is just before each change, and each change ends with every member healthy.
public sealed class MembershipChanger(
    ClusterMembers members, MemberNodes nodes, MembershipLog record, IReadOnlyList<Node> knownNodes,
    TimeSpan timeout, TimeProvider clock, bool confirmed, ICakeLog log, ChangeSummary summary)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    /// <param name="done">told of each change once it is finished and every member healthy again.</param>
    public async Task ApplyAsync(IReadOnlyList<MembershipChange> changes, IReadOnlyList<string> endpoints, CancellationToken ct,
        Action<MembershipChange>? done = null)
    {
        foreach (var change in changes)
        {
            var live = await members.TryListAsync(endpoints, ct)
                ?? throw new ForgeError($"{change.Describe(confirmed)}: no member answered at {string.Join(", ", endpoints)}");
            var health = await members.HealthAsync(live, ct);
            var alarms = await members.AlarmsAsync(live, ct);
            if (MembershipGuard.Refusal(change, health, alarms, confirmed) is { } refusal) throw new ForgeError(refusal);
            log.Information("membership: {0}", change.Describe(confirmed));
            switch (change)
            {
                case AddMember add:
                    await AddAsync(add.Node, add.Learner, live, null, ct);
                    break;
                case RemoveMember remove:
                    await RemoveAsync(remove.Member, live, health, ct);
                    break;
                case ReplaceMember replace:
                    await ReplaceAsync(replace, live, health, ct);
                    break;
            }
            endpoints = [.. (await WaitAllHealthyAsync(endpoints, change, ct)).SelectMany(m => m.ClientUrls)];
            done?.Invoke(change);
        }
    }

    private async Task AddAsync(Node node, LiveMember? learner, IReadOnlyList<LiveMember> live, ulong? replaced, CancellationToken ct)
    {
        var service = await nodes.ServiceAsync(node, ct);
        var state = await service.StateAsync(ct);
        var peerUrl = node.PeerUrl;
        IReadOnlyList<LiveMember> list = live;
        ulong id;
        if (learner is null)
        {
            if (state.HasData)
            {
                throw new ForgeError($"{node.Name}: its data dir {nodes.DataDirOf(node)} holds a member, but the cluster does not list {peerUrl}; " +
                                     "it is left from an earlier cluster: delete that data dir on the node (nothing of the running cluster is in it) and re-run");
            }
            var added = await members.AddLearnerAsync(live, peerUrl, timeout, ct);
            id = added.Member.ID;
            list = [.. added.Members.Select(LiveMember.From)];
            record.Record("add-learner", node.Name, id, replaced, $"added as learner at {peerUrl}");
            summary.Record($"[{node.Name}] added as learner (ID {id:x16})");
        }
        else
        {
            id = learner.Id;
        }
        if (!state.Running)
        {
            // A learner that started before (it has data) rejoins as it is; a new one joins the member list it was added to.
            var joinCluster = state.HasData ? null : string.Join(",", list.Select(m => $"{(m.Id == id ? node.Name : m.Name)}={m.PeerUrls[0]}"));
            // Without a WAL segment etcd ignores what a failed first start left (an empty db); cleared so nothing stale stays.
            if (joinCluster is not null) await nodes.WipeDataAsync(node, ct);
            await service.StartAsync(ct, nodes.FingerprintOf(node), joinCluster);
            summary.Record($"[{node.Name}] started as an existing member" + (joinCluster is null ? " (data dir kept)" : $" of {joinCluster}"));
        }
        var refused = await members.TryPromoteAsync(list, id, timeout, ct);
        if (refused is not null)
        {
            throw new ForgeError($"{node.Name}: learner (ID {id:x16}) not promoted within {timeout.TotalSeconds:0} s: " +
                                 $"{await LacksAsync(node, list, id, refused, ct)}; it stays a learner and the rest of the cluster is unchanged; " +
                                 "once it can keep up (check its link to the other members, or give more time with --bootstrap-timeout), re-run BootstrapCluster to promote it");
        }
        record.Record(replaced is null ? "promote" : "replace", node.Name, id, replaced, "promoted to voting member");
        summary.Record($"[{node.Name}] promoted to voting member (ID {id:x16})");
    }

    // What the learner lacks, in etcd's terms and, when both answer, in raft entries.
    private async Task<string> LacksAsync(Node node, IReadOnlyList<LiveMember> list, ulong id, string refused, CancellationToken ct)
    {
        if (!refused.Contains("in sync", StringComparison.OrdinalIgnoreCase)) return $"etcd refused: {refused}";
        var learnerIndex = await members.RaftIndexAsync([node.ClientUrl], ct);
        var clusterIndex = await members.RaftIndexAsync([.. list.Where(m => m.Id != id && !m.IsLearner).SelectMany(m => m.ClientUrls)], ct);
        var gap = learnerIndex is { } l && clusterIndex is { } c ? $" (raft index {l} of the voting members' {c})" : learnerIndex is null ? " (it does not answer on its client URL)" : "";
        return $"it has not caught up with the leader's log{gap}, and etcd promotes only a learner in sync";
    }

    private async Task RemoveAsync(LiveMember member, IReadOnlyList<LiveMember> live, IReadOnlyList<MemberHealth> health, CancellationToken ct)
    {
        await MoveLeadershipAwayAsync(member, live, health, ct);
        await members.RemoveAsync(live, member.Id, timeout, ct);
        record.Record("remove", member.Name, member.Id, null, "removed from the cluster");
        summary.Record($"[{Name(member)}] removed from the cluster (ID {member.Hex})");
        var node = knownNodes.FirstOrDefault(n => member.PeerUrls.Contains(n.PeerUrl, StringComparer.OrdinalIgnoreCase));
        if (node is null)
        {
            log.Warning("{0}: removed; no description ever applied here lists its host ({1}), so its etcd and files were left on it", Name(member), string.Join(",", member.PeerUrls));
            return;
        }
        try
        {
            foreach (var line in await nodes.RemoveAsync(node, ct)) summary.Record($"[{node.Name}] {line}");
        }
        catch (Exception ex) when (ex is ForgeError or IOException or TimeoutException or Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException)
        {
            await nodes.ForgetAsync(node);
            log.Warning("{0}: removed from the cluster, but its host {1} could not be cleaned up ({2}): its etcd (stopped by etcd itself once removed) " +
                        "and its files, data dir {3} included, are left on the host; remove them by hand", node.Name, node.Host, ex.Message, nodes.DataDirOf(node));
            record.Record("cleanup-skipped", node.Name, member.Id, null, $"host unreachable: {ex.Message}; etcd's files and data dir {nodes.DataDirOf(node)} left on it");
        }
    }

    private async Task ReplaceAsync(ReplaceMember replace, IReadOnlyList<LiveMember> live, IReadOnlyList<MemberHealth> health, CancellationToken ct)
    {
        var service = await nodes.ServiceAsync(replace.Node, ct);
        if (replace.Old is { } old)
        {
            await MoveLeadershipAwayAsync(old, live, health, ct);
            await members.RemoveAsync(live, old.Id, timeout, ct);
            record.Record("remove", replace.Node.Name, old.Id, null, "removed for replacement");
            summary.Record($"[{replace.Node.Name}] old member removed (ID {old.Hex})");
            live = [.. live.Where(m => m.Id != old.Id)];
        }
        await service.StopAsync(ct);
        await nodes.WipeDataAsync(replace.Node, ct);
        summary.Record($"[{replace.Node.Name}] data dir {nodes.DataDirOf(replace.Node)} wiped");
        await AddAsync(replace.Node, null, live, replace.Old?.Id, ct);
    }

    // Removing the leader would cost the cluster an election timeout with no leader; handing leadership to a
    // healthy voter first (etcd's MoveLeader) keeps writes flowing.
    private async Task MoveLeadershipAwayAsync(LiveMember leaving, IReadOnlyList<LiveMember> live, IReadOnlyList<MemberHealth> health, CancellationToken ct)
    {
        var asked = health.FirstOrDefault(h => h.Healthy && h.Member.Id != leaving.Id)?.Member;
        if (asked is null) return;
        var leader = await members.LeaderAsync(asked.ClientUrls[0], ct);
        if (leader != leaving.Id) return;
        var target = health.First(h => h.Healthy && !h.Member.IsLearner && h.Member.Id != leaving.Id).Member;
        await members.MoveLeaderAsync(live.First(m => m.Id == leader), target.Id, timeout, ct);
        summary.Record($"[{Name(leaving)}] was the leader: leadership moved to {target.Label} before its removal");
    }

    private async Task<IReadOnlyList<LiveMember>> WaitAllHealthyAsync(IReadOnlyList<string> endpoints, MembershipChange change, CancellationToken ct)
    {
        static bool AllHealthy((IReadOnlyList<LiveMember>? Live, IReadOnlyList<MemberHealth> Health) seen) =>
            seen.Live is not null && seen.Health.All(h => h.Healthy);
        var (live, health) = await new Poll(PollInterval, timeout, clock).UntilAsync<(IReadOnlyList<LiveMember>?, IReadOnlyList<MemberHealth>)>(async () =>
        {
            var live = await members.TryListAsync(endpoints, ct);
            return (live, live is null ? [] : await members.HealthAsync(live, ct));
        }, AllHealthy, ct);
        if (AllHealthy((live, health))) return live!;
        throw new ForgeError($"after '{change.Describe(true)}': " + (live is null ? "no member answers" :
            string.Join(", ", health.Where(h => !h.Healthy).Select(h => $"{h.Member.Label} unhealthy ({h.Detail})"))) +
            $" {timeout.TotalSeconds:0} s later; see the members' logs and re-run BootstrapCluster");
    }

    private static string Name(LiveMember member) => member.Name.Length > 0 ? member.Name : member.Hex;
}
