using System.Net;
using System.Text.Json;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Membership;

// The nodes of the last description BootstrapCluster applied, kept in artifacts/<cluster>/applied.json. A node
// dropped from the description is still reachable through it: its etcd is stopped and its files removed after
// its member is. Connection details are stored as resolved (absolute key and knownHosts paths).
public static class AppliedNodes
{
    private sealed record Entry(string Name, string Address, string[] Hostnames, string[] ExtraSans, string Service,
        string Connection, string? User, int Port, string? KeyFile, string? HostKey, string? KnownHosts);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string PathOf(ArtifactLayout layout) => Path.Combine(layout.Cluster, "applied.json");

    // The URLs come from the ports of the description now, as a member keeps its ports.
    public static IReadOnlyList<Node> Read(ArtifactLayout layout, EtcdSettings etcd)
    {
        var path = PathOf(layout);
        if (!File.Exists(path)) return [];
        try
        {
            var entries = JsonSerializer.Deserialize<Entry[]>(File.ReadAllText(path), Json) ?? [];
            return [.. entries.Select(e => NodeOf(e, etcd))];
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            throw new ForgeError($"{path}: unreadable ({ex.Message}); it records the nodes last applied: restore it, or delete it if no member was removed from the description since");
        }
    }

    private static Node NodeOf(Entry e, EtcdSettings etcd)
    {
        var address = IPAddress.Parse(e.Address);
        return new Node(e.Name, address, e.Hostnames, e.ExtraSans,
            new Connection(Enum.Parse<ConnectionType>(e.Connection), e.User, e.Port, e.KeyFile, e.HostKey, e.KnownHosts),
            Enum.Parse<ServiceKind>(e.Service), Node.HttpsUrl(address, etcd.ClientPort), Node.HttpsUrl(address, etcd.PeerPort));
    }

    /// <returns>true when the record changed.</returns>
    public static bool Write(ArtifactLayout layout, IEnumerable<Node> nodes)
    {
        var entries = nodes.Select(n => new Entry(n.Name, n.Address.ToString(), [.. n.Hostnames], [.. n.ExtraSans], n.Service.ToString(),
            n.Connection.Type.ToString(), n.Connection.User, n.Connection.Port, n.Connection.KeyFile, n.Connection.HostKey, n.Connection.KnownHosts));
        return AtomicFile.WriteIfChanged(PathOf(layout), JsonSerializer.SerializeToUtf8Bytes(entries.ToArray(), Json), AtomicFile.PublicMode);
    }
}
