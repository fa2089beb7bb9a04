using EtcdForge.Client;
using EtcdForge.Configuration;

namespace EtcdForge.Services;

// Restarts members one at a time and waits for each to be healthy again before the next, so a cluster that
// has quorum keeps it throughout. On a member that does not come back it stops, leaving the rest untouched, and
// says so in one line with the member's last words (see EtcdService.LastWordsAsync).
public sealed class RollingRestart(MemberProbe probe, TimeSpan timeout, TimeProvider clock)
{
    public async Task RunAsync(IReadOnlyList<Node> members, Func<Node, Task> restart, Func<Node, Task<string>> lastWords,
        Action<Node> restarted, CancellationToken ct)
    {
        for (var i = 0; i < members.Count; i++)
        {
            var node = members[i];
            var untouched = Untouched(members.Skip(i + 1));
            try
            {
                await restart(node);
            }
            catch (ForgeError died)
            {
                var detail = died is NodeError { NodeName: var name } known && name == node.Name ? known.Detail : died.Message;
                throw new NodeError(node.Name, $"{detail}{untouched}; fix it and re-run BootstrapCluster", died);
            }
            var answer = await probe.WaitForHealthyAsync(node, timeout, clock, ct);
            if (!answer.Healthy)
            {
                throw new NodeError(node.Name, $"not healthy {timeout.TotalSeconds:0} s after its restart ({answer.Detail}); " +
                    $"{await lastWords(node)}{untouched}; fix it and re-run BootstrapCluster");
            }
            restarted(node);
        }
    }

    private static string Untouched(IEnumerable<Node> rest)
    {
        var names = rest.Select(n => n.Name).ToList();
        return names.Count == 0 ? "" : $"; left untouched: {string.Join(", ", names)} (not restarted, to keep the quorum)";
    }
}
