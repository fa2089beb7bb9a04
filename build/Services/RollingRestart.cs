using EtcdForge.Client;
using EtcdForge.Configuration;

namespace EtcdForge.Services;

// Restarts members one at a time and waits for each to be healthy again before the next, so a cluster that
// has quorum keeps it throughout. On a member that does not come back it stops, leaving the rest untouched.
public sealed class RollingRestart(MemberProbe probe, TimeSpan timeout, TimeProvider clock)
{
    public async Task RunAsync(IReadOnlyList<Node> members, Func<Node, Task> restart, Action<Node> restarted, CancellationToken ct)
    {
        for (var i = 0; i < members.Count; i++)
        {
            var node = members[i];
            await restart(node);
            var answer = await probe.WaitForHealthyAsync(node, timeout, clock, ct);
            if (!answer.Healthy)
            {
                var untouched = members.Skip(i + 1).Select(n => n.Name).ToList();
                throw new NodeError(node.Name, $"not healthy {timeout.TotalSeconds:0} s after its restart ({answer.Detail})" +
                    (untouched.Count > 0 ? $"; {string.Join(", ", untouched)} not restarted, to keep the quorum" : "") +
                    $"; see its log, fix it and re-run BootstrapCluster");
            }
            restarted(node);
        }
    }
}
