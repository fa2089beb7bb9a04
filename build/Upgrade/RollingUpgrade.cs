using EtcdForge.Client;
using EtcdForge.Configuration;

namespace EtcdForge.Upgrade;

// Carries out UpgradeDecision's order: each member gets its staged binaries swapped in and is restarted, and must
// be ready on the new version before the next one is touched. A member that does not come back stops the run
// with one line; the members after it keep the old version (and a quorum). Afterwards it waits for the cluster
// version to move to the new minor, which etcd does on its own once every member runs it.
public sealed class RollingUpgrade(Cluster cluster, TlsIdentity identity, ReadyProbe ready, TimeSpan timeout, TimeProvider clock)
{
    public async Task RunAsync(UpgradeDecision.Result upgrade, Func<Node, Task> swapAndRestart, Func<Node, Task<string>> lastLogLine,
        Action<Node, string> upgraded, CancellationToken ct)
    {
        for (var i = 0; i < upgrade.Order.Count; i++)
        {
            var node = cluster.Nodes.Single(n => n.Name == upgrade.Order[i]);
            await swapAndRestart(node);
            var answer = await ready.WaitAsync(node, timeout, clock, ct);
            if (!answer.Ready || answer.Version != upgrade.To)
            {
                var what = answer.Ready ? $"runs {answer.Version} instead of {upgrade.To}" : $"not ready {timeout.TotalSeconds:0} s after its upgrade to {upgrade.To} ({answer.Detail})";
                throw new ForgeError($"{node.Name}: {what}; its log's last line: {await lastLogLine(node)}; " +
                    $"{i} of {upgrade.Order.Count} members upgraded before it{(i > 0 ? $" ({string.Join(", ", upgrade.Order.Take(i))})" : "")}; " +
                    "to go back, follow docs/operations.md, 'Going back'");
            }
            upgraded(node, answer.Detail);
        }
    }

    /// <returns>the cluster version once it reached the new minor.</returns>
    public async Task<string> WaitForClusterVersionAsync(EtcdVersion target, CancellationToken ct)
    {
        var seen = await ClusterFacts.WaitForClusterVersionAsync(cluster, identity, target, timeout, clock, ct);
        return EtcdVersion.TryParse(seen, out var v) && (v.Major, v.Minor) == (target.Major, target.Minor)
            ? seen!
            : throw new ForgeError($"every member runs {target}, but the cluster version is still {seen ?? "unknown"} after {timeout.TotalSeconds:0} s: check the members' logs; re-run Verify later");
    }
}
