using EtcdForge.Configuration;
using EtcdForge.Remote;

namespace EtcdForge.Nodes;

// One shell per node for the whole run. Each task used to connect again, and an SSH connection costs a key
// exchange and an authentication every time. A shell whose connection dropped, or whose node just failed a
// step, is opened afresh on the next request; the host's teardown closes them all.
public sealed class NodeShellPool(SshOptions options) : IAsyncDisposable
{
    private readonly Dictionary<string, INodeShell> _open = [];
    private readonly Lock _gate = new();

    // A node is used by one step at a time (NodeFanOut), so two requests never race for the same node.
    public async Task<INodeShell> GetAsync(Node node, CancellationToken ct)
    {
        INodeShell? kept;
        lock (_gate) _open.TryGetValue(node.Name, out kept);
        if (kept is { IsOpen: true }) return kept;
        if (kept is not null) await ForgetAsync(node);
        var opened = await NodeShells.OpenAsync(node, options, ct);
        lock (_gate) _open[node.Name] = opened;
        return opened;
    }

    public async Task ForgetAsync(Node node)
    {
        INodeShell? kept;
        lock (_gate)
        {
            if (!_open.Remove(node.Name, out kept)) return;
        }
        await kept.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        List<INodeShell> all;
        lock (_gate)
        {
            all = [.. _open.Values];
            _open.Clear();
        }
        // Together: closing a shell whose link died can wait for its staging directory's removal to time out.
        await Task.WhenAll(all.Select(shell => shell.DisposeAsync().AsTask()));
    }
}
