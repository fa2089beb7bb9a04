namespace EtcdForge.Membership;

// Whether a change may be made now. Every change needs a healthy cluster with no alarm (a NOSPACE or CORRUPT
// cluster must be repaired first, and a change while a member is down could cost the quorum); a removal
// drops a member's data, so it needs --yes, and it must leave at least one healthy voter.
public static class MembershipGuard
{
    public static string? Refusal(MembershipChange change, IReadOnlyList<MemberHealth> health, IReadOnlyList<string> alarms, bool confirmed)
    {
        if (AlarmRefusal([change], alarms, confirmed) is { } alarm) return alarm;
        // The member a change is about may be down: that is why it is being replaced, removed or finished.
        var exempt = change switch { RemoveMember r => r.Member, ReplaceMember { Old: { } old } => old, AddMember { Learner: { } l } => l, _ => null };
        var sick = health.Where(h => !h.Healthy && h.Member.Id != exempt?.Id).ToList();
        if (sick.Count > 0)
        {
            return $"{change.Describe(confirmed)}: refused while {string.Join(", ", sick.Select(s => $"{s.Member.Label} is unhealthy ({s.Detail})"))}; " +
                   "bring it back (BootstrapCluster restarts stopped members) and re-run";
        }
        if (change is RemoveMember remove)
        {
            var voters = health.Count(h => !h.Member.IsLearner);
            var after = remove.Member.IsLearner ? voters : voters - 1;
            if (after < 1) return $"{remove.Describe(confirmed)}: refused, it is the last voting member; use --target=Destroy --yes to remove the cluster";
            if (!confirmed)
            {
                return $"{remove.Member.Label} not removed: removing it drops that member's data" +
                       (after is 1 or 2 ? $" and leaves {after} voting member(s), which tolerate no failure" : $" and leaves {after} voting members") +
                       "; add --yes to confirm";
            }
        }
        if (change is ReplaceMember && !confirmed)
        {
            return $"{((ReplaceMember)change).Node.Name} not replaced: it deletes its data dir; add --yes to confirm";
        }
        return null;
    }

    // An alarm is the cluster's, not a member's, and waiting does not clear it: every pending change is refused.
    public static string? AlarmRefusal(IReadOnlyList<MembershipChange> changes, IReadOnlyList<string> alarms, bool confirmed) =>
        alarms.Count == 0 || changes.Count == 0 ? null
            : $"{string.Join("; ", changes.Select(c => c.Describe(confirmed)))}: refused while an alarm is active ({string.Join("; ", alarms)}); " +
              "resolve it, disarm it (etcdctl alarm disarm) and re-run";
}
