using EtcdForge.Configuration;
using EtcdForge.Remote;

namespace EtcdForge.Nodes;

// Runs one step on every node at once, on the run's shells. A failing node does not stop the others; once all
// have finished, the failures are reported together, one line per failed node (shown on stdout as they happen).
public sealed class NodeFanOut(IReadOnlyList<Node> nodes, NodeShellPool shells, ICakeLog log)
{
    /// <summary>What one node's step gave: its result, or the error that stopped it there.</summary>
    public sealed record Run<T>(Node Node, T? Result, NodeError? Error)
    {
        public bool Failed => Error is not null;
    }

    // Each node with what its step gave, in the description's order; throws when any node failed.
    public async Task<IReadOnlyList<(Node Node, T Result)>> RunAsync<T>(Func<Node, INodeShell, Task<T>> step, CancellationToken ct = default)
    {
        var runs = await RunEachAsync(step, ct);
        ThrowIfAnyFailed(runs);
        return runs.Select(r => (r.Node, r.Result!)).ToList();
    }

    // For tasks that still have something to say about the nodes that succeeded (DeployNodes reports them).
    public async Task<IReadOnlyList<Run<T>>> RunEachAsync<T>(Func<Node, INodeShell, Task<T>> step, CancellationToken ct = default)
    {
        var runs = nodes.Select(async node =>
        {
            try
            {
                var shell = await shells.GetAsync(node, ct);
                return new Run<T>(node, await step(node, shell), null);
            }
            catch (Exception ex) when (ex is ForgeError or IOException or TimeoutException or Renci.SshNet.Common.SshException)
            {
                await shells.ForgetAsync(node); // the connection may be what failed
                var error = ex is NodeError { NodeName: var name } known && name == node.Name ? known : new NodeError(node.Name, ex.Message, ex);
                log.Information("failed: {0}", error.Message);
                return new Run<T>(node, default, error);
            }
        }).ToList();
        return await Task.WhenAll(runs);
    }

    public static void ThrowIfAnyFailed<T>(IReadOnlyList<Run<T>> runs)
    {
        var failed = runs.Where(r => r.Failed).ToList();
        if (failed.Count == 0) return;
        var ok = runs.Where(r => !r.Failed).Select(r => r.Node.Name).ToList();
        throw new ForgeError(string.Join(Environment.NewLine, failed.Select(f => f.Error!.Message)) +
            (ok.Count > 0 ? $" (finished on {string.Join(", ", ok)}; a re-run converges the rest)" : ""));
    }
}
