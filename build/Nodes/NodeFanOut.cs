using Cake.Core.Diagnostics;
using EtcdForge.Configuration;
using EtcdForge.Remote;

namespace EtcdForge.Nodes;

// Runs one step on every node at once, on the run's shells. A failing node does not stop the others; once all
// have finished, the failures are reported together, one line per failed node (shown on stdout as they happen).
public sealed class NodeFanOut(IReadOnlyList<Node> nodes, NodeShellPool shells, ICakeLog log)
{
    public async Task<IReadOnlyList<T>> RunAsync<T>(Func<Node, INodeShell, Task<T>> step, CancellationToken ct = default)
    {
        var runs = nodes.Select(async node =>
        {
            try
            {
                var shell = await shells.GetAsync(node, ct);
                return (node, result: await step(node, shell), error: (string?)null);
            }
            catch (Exception ex) when (ex is ForgeError or IOException or TimeoutException or Renci.SshNet.Common.SshException)
            {
                await shells.ForgetAsync(node); // the connection may be what failed
                var message = ex.Message.StartsWith(node.Name + ":", StringComparison.Ordinal) ? ex.Message : $"{node.Name}: {ex.Message}";
                log.Information("failed: {0}", message);
                return (node, result: default(T)!, error: message);
            }
        }).ToList();
        var done = await Task.WhenAll(runs);
        var failed = done.Where(d => d.error is not null).ToList();
        if (failed.Count > 0)
        {
            var ok = done.Where(d => d.error is null).Select(d => d.node.Name).ToList();
            throw new ForgeError(string.Join(Environment.NewLine, failed.Select(f => f.error)) +
                (ok.Count > 0 ? $" (finished on {string.Join(", ", ok)}; a re-run converges the rest)" : ""));
        }
        return done.Select(d => d.result).ToList();
    }
}
