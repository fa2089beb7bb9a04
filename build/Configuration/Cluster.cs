using System.Net;

namespace EtcdForge.Configuration;

// The validated cluster description that tasks work from; built only by ClusterLoader.
public sealed record Cluster(
    string Name,
    string Token,
    EtcdSettings Etcd,
    PkiSettings Pki,
    IReadOnlyList<Node> Nodes,
    string SourceFile,
    BackupSettings Backup)
{
    public string InitialCluster =>
        string.Join(",", Nodes.Select(n => $"{n.Name}={n.PeerUrl}"));

    /// <summary>The member's extra etcd flags: the cluster's (etcd.extraFlags), each overridden by the node's own
    /// setting of the same flag, in name order (so etcd.conf.yml does not change with the order of the YAML).</summary>
    public IReadOnlyList<ExtraFlag> ExtraFlagsOf(Node node) =>
    [
        .. Etcd.ExtraFlags.Where(flag => node.ExtraFlags.All(own => own.Name != flag.Name)).Concat(node.ExtraFlags)
            .OrderBy(flag => flag.Name, StringComparer.Ordinal),
    ];
}

/// <summary>One entry of etcd.extraFlags or nodes[].extraFlags as written: an etcd flag name and its value, with
/// the field and line that set it, so the check against the obtained etcd (after DownloadEtcd) can point at it.</summary>
public sealed record ExtraFlag(string Name, string Value, string Field, int Line);

public sealed record EtcdSettings(
    EtcdVersion Version,
    string DownloadUrl,
    string? Sha256,
    string? Archive,
    bool DistributionFallback,
    int ClientPort,
    int PeerPort,
    string DataDir,
    int HeartbeatIntervalMs,
    int ElectionTimeoutMs,
    int SnapshotCount,
    long QuotaBackendBytes,
    string AutoCompactionRetention)
{
    public IReadOnlyList<ExtraFlag> ExtraFlags { get; init; } = [];
}

public sealed record BackupSettings(int Keep)
{
    public static readonly BackupSettings Default = new(7);
}

public enum KeyAlgorithm { EcdsaP256, EcdsaP384, Rsa2048, Rsa4096 }

public static class KeyAlgorithmNames
{
    public static readonly IReadOnlyDictionary<string, KeyAlgorithm> ByName = new Dictionary<string, KeyAlgorithm>
    {
        ["ecdsa-p256"] = KeyAlgorithm.EcdsaP256,
        ["ecdsa-p384"] = KeyAlgorithm.EcdsaP384,
        ["rsa-2048"] = KeyAlgorithm.Rsa2048,
        ["rsa-4096"] = KeyAlgorithm.Rsa4096,
    };

    public static string Name(this KeyAlgorithm algorithm) => ByName.First(p => p.Value == algorithm).Key;
}

public sealed record Subject(
    string CommonName, string? Organization = null, string? OrganizationalUnit = null,
    string? Country = null, string? Locality = null, string? State = null);

// cfssl's vocabulary: "signing", "key encipherment", "digital signature", "server auth", "client auth".
public sealed record CertProfile(TimeSpan Validity, IReadOnlyList<string> Usages)
{
    public bool Has(string usage) => Usages.Contains(usage, StringComparer.OrdinalIgnoreCase);
}

public sealed record ClientCert(string Name, Subject Subject);

public sealed record PkiSettings(
    KeyAlgorithm KeyAlgorithm,
    Subject CaSubject,
    TimeSpan CaValidity,
    CertProfile Server,
    CertProfile Peer,
    CertProfile Client,
    TimeSpan RenewBefore,
    IReadOnlyList<ClientCert> Clients,
    string? CfsslSource)
{
    /// <summary>The one renewal rule, for leaves and CAs alike: a certificate is due once at most RenewBefore of its
    /// life is left (an expired one too). Both times in UTC.</summary>
    public bool DueForRenewal(DateTime notAfter, DateTime now) => notAfter - now <= RenewBefore;
}

public enum ConnectionType { Local, Ssh }

// Docker: etcd in a container from the image Package builds, on the node's Docker engine.
public enum ServiceKind { Process, Systemd, Docker }

public sealed record Connection(
    ConnectionType Type, string? User, int Port, string? KeyFile, string? HostKey, string? KnownHosts);

// ClientUrl and PeerUrl are what clients and peers reach the member at: computed once, where a Node is made
// (ClusterValidator, AppliedNodes), from the address and the cluster's ports.
public sealed record Node(
    string Name,
    IPAddress Address,
    IReadOnlyList<string> Hostnames,
    IReadOnlyList<string> ExtraSans,
    Connection Connection,
    ServiceKind Service,
    string ClientUrl,
    string PeerUrl)
{
    /// <summary>nodes[].extraFlags; see <see cref="Cluster.ExtraFlagsOf"/> for what the member gets.</summary>
    public IReadOnlyList<ExtraFlag> ExtraFlags { get; init; } = [];

    // SSH nodes get a system install (etcd user, files owned by it). Local sandbox processes run as whoever runs
    // the build, even root: their files live under artifacts/, which the etcd user may not be able to reach. A
    // container needs no path to them (the daemon mounts them), so docker members get the etcd user everywhere
    // the build runs as root, and never run etcd as root.
    public bool InstallsAsSystem => Connection.Type == ConnectionType.Ssh || Service == ServiceKind.Docker;

    public string Host => HostOf(Address);

    public static string HttpsUrl(IPAddress address, int port) => $"https://{HostOf(address)}:{port}";

    private static string HostOf(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
