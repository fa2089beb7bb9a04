using EtcdForge.Configuration;

namespace EtcdForge.Upgrade;

// The one rule for changing the etcd version of a running cluster: whether it is allowed, and if so which
// members change and in what order. Plan shows its result; DeployNodes refuses or stages by it before any node
// is touched, and BootstrapCluster carries the order out. Pure: the cluster's state comes in, a decision goes out.
public static class UpgradeDecision
{
    // etcd's guide "Upgrade etcd from v3.5 to v3.6" (etcd.io/docs/latest/upgrades/upgrade_3_6, read for this change):
    // "make sure that all of your 3.5 members are updated to 3.5.26 or later. Patch releases 3.5.24 through
    // 3.5.26 fix several potential upgrade blockers." (an earlier revision of the guide named 3.5.20).
    public static readonly EtcdVersion MinimumBefore36 = new(3, 5, 26);

    public sealed record Member(string Name, EtcdVersion? Version, bool Healthy, bool IsLeader, string Detail);

    public enum Kind { None, Upgrade, Refused }

    public sealed record Result(Kind Kind, EtcdVersion? From, EtcdVersion To, IReadOnlyList<string> Order, string Reason)
    {
        public bool IsUpgrade => Kind == Kind.Upgrade;
        public bool Changes(string member) => Order.Contains(member);
    }

    public static Result Decide(IReadOnlyList<Member> members, EtcdVersion target, IReadOnlyList<string> alarms)
    {
        var running = members.Where(m => m.Version is not null).ToList();
        if (running.Count == 0) return new Result(Kind.None, null, target, [], "no member is running: a start, not an upgrade");
        var versions = running.Select(m => m.Version!.Value).ToList();
        var from = versions.Min();
        var newest = versions.Max();
        if (versions.All(v => v == target)) return new Result(Kind.None, from, target, [], $"every running member runs {target}");

        Result Refuse(string why) => new(Kind.Refused, from, target, [], why);
        if (newest > target)
        {
            var ahead = running.Where(m => m.Version > target).Select(m => $"{m.Name} runs {m.Version}");
            return Refuse($"etcd {newest} -> {target} is a downgrade ({string.Join(", ", ahead)}): etcd refuses to run an older version on data a newer one wrote; " +
                          $"set etcd.version back to {newest}, or go back with a backup taken before the upgrade (docs/operations.md: Going back)");
        }
        if (target.Major != from.Major || target.Minor > from.Minor + 1)
        {
            return Refuse($"etcd {from} -> {target} skips a minor version: etcd upgrades one minor at a time; " +
                          $"upgrade to the newest {from.Major}.{from.Minor + 1}.x first");
        }
        if (from.Minor == 5 && target.Minor == 6 && from < MinimumBefore36)
        {
            return Refuse($"etcd {from} -> {target}: etcd's upgrade guide asks for {MinimumBefore36} or later on every 3.5 member before 3.6; " +
                          $"upgrade to the newest 3.5.x first");
        }
        var sick = members.Where(m => !m.Healthy).ToList();
        if (sick.Count > 0)
        {
            return Refuse($"etcd {from} -> {target} needs every member healthy first: " +
                          string.Join("; ", sick.Select(m => $"{m.Name}: {m.Detail}")) + "; bring them back (--target=BootstrapCluster with the old version) and run again");
        }
        if (alarms.Count > 0)
        {
            return Refuse($"etcd {from} -> {target} refused while an alarm is active ({string.Join("; ", alarms)}); resolve it (e.g. etcdctl alarm disarm after freeing space) and run again");
        }
        // The leader last: every member restart costs the cluster one election at most, and only the leader's costs one for sure.
        var order = running.Where(m => m.Version != target).OrderBy(m => m.IsLeader).Select(m => m.Name).ToList();
        return new Result(Kind.Upgrade, from, target, order, $"etcd {from} -> {target}: {string.Join(", ", order)} in this order (followers first, the leader last)");
    }
}
