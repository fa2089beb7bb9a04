using EtcdForge.Configuration;

namespace EtcdForge.Remote;

public static class NodeShells
{
    /// <summary>A shell on <paramref name="node"/>: this machine for local sandbox nodes, SSH otherwise.</summary>
    public static async Task<INodeShell> OpenAsync(Node node, SshOptions options, CancellationToken ct = default) =>
        node.Connection.Type switch
        {
            ConnectionType.Local => new LocalShell(node.Name),
            ConnectionType.Ssh => await SshShell.OpenAsync(node, options, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(node), node.Connection.Type, "unknown connection type"),
        };
}
