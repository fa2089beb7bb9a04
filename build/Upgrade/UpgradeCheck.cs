using EtcdForge.Client;
using EtcdForge.Configuration;

namespace EtcdForge.Upgrade;

// Reads what UpgradeDecision needs from the running cluster (read-only) and asks it.
public static class UpgradeCheck
{
    public static async Task<UpgradeDecision.Result> DecideAsync(Cluster cluster, TlsIdentity identity, EtcdVersion target, CancellationToken ct)
    {
        var facts = await ClusterFacts.ReadAsync(cluster, identity, ct);
        var members = facts.Members.Select(m => new UpgradeDecision.Member(m.Node.Name,
            EtcdVersion.TryParse(m.Version, out var v) ? v : null, m.Healthy, m.IsLeader, m.Detail)).ToList();
        return UpgradeDecision.Decide(members, target, facts.Alarms);
    }
}
