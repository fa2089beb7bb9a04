using System.Text;

namespace EtcdForge.Tests.Support;

// The cluster description an end-to-end fixture writes: one base (the cluster and its token, an ECDSA P-256 CA
// named after it, one client certificate "client" with CN root) plus what the fixture says differs: its etcd lines,
// more pki lines, other top-level sections, and where its nodes are and how they are reached.
//
//   new ClusterDescription("sysd")
//   {
//       Etcd = ["version: 3.4.23", $"downloadUrl: {mirror.BaseUrl}"],
//       Nodes = [.. Enumerable.Range(1, 3).Select(h => hosts.Member(h, service: "systemd"))],
//   }.Yaml
public sealed record ClusterDescription(string Name)
{
    /// <summary>The etcd section's lines, unindented (a nested line keeps its own extra indentation).</summary>
    public IReadOnlyList<string> Etcd { get; init; } = [];

    /// <summary>Pki lines besides the base's (e.g. "certValidity: 2h").</summary>
    public IReadOnlyList<string> Pki { get; init; } = [];

    /// <summary>Top-level lines after the etcd section (e.g. "backup: { keep: 3 }").</summary>
    public IReadOnlyList<string> Sections { get; init; } = [];

    public IReadOnlyList<DescribedNode> Nodes { get; init; } = [];

    public string KeyAlgorithm { get; init; } = "ecdsa-p256";
    public string CaName { get; init; } = $"{Name} CA";
    public string Token { get; init; } = $"{Name}-token";

    public string Yaml
    {
        get
        {
            var yaml = new StringBuilder();
            yaml.Append($"cluster:\n  name: {Name}\n  token: {Token}\netcd:\n");
            foreach (var line in Etcd) yaml.Append($"  {line}\n");
            foreach (var line in Sections) yaml.Append($"{line}\n");
            yaml.Append($"pki:\n  keyAlgorithm: {KeyAlgorithm}\n");
            foreach (var line in Pki) yaml.Append($"  {line}\n");
            yaml.Append($"  ca:\n    commonName: {CaName}\n    organization: etcd-forge\n");
            yaml.Append("  clients:\n    - { name: client, commonName: root }\nnodes:\n");
            foreach (var node in Nodes) yaml.Append(node.Yaml).Append('\n');
            return yaml.ToString();
        }
    }
}

// One entry under nodes:, as a flow mapping.
public sealed record DescribedNode(string Name, string Address, string Connection, string? Service = null)
{
    /// <summary>More names for the server certificate (hostnames: and extraSans:).</summary>
    public IReadOnlyList<string> Hostnames { get; init; } = [];
    public IReadOnlyList<string> ExtraSans { get; init; } = [];
    /// <summary>More entries of the node's mapping, written as they are (e.g. "extraFlags: { log-level: info }").</summary>
    public string? More { get; init; }

    public static DescribedNode Local(string name, string address) => new(name, address, "{ type: local }");

    /// <summary>Reached as root with a key file; the host key checked against a known_hosts file.</summary>
    public static DescribedNode Ssh(string name, string address, string keyFile, string knownHosts, string service = "process") =>
        new(name, address, $"{{ type: ssh, user: root, keyFile: {keyFile}, knownHosts: {knownHosts} }}", service);

    /// <summary>Reached as root with a key file; the host key pinned by its fingerprint.</summary>
    public static DescribedNode SshPinned(string name, string address, string keyFile, string hostKey, string service = "process") =>
        new(name, address, $"{{ type: ssh, user: root, keyFile: {keyFile}, hostKey: \"{hostKey}\" }}", service);

    public string Yaml => $"  - {{ name: {Name}, address: {Address}, " +
        (Hostnames.Count == 0 ? "" : $"hostnames: [{string.Join(", ", Hostnames)}], ") +
        (ExtraSans.Count == 0 ? "" : $"extraSans: [{string.Join(", ", ExtraSans)}], ") +
        (Service is null ? "" : $"service: {Service}, ") + (More is null ? "" : $"{More}, ") + $"connection: {Connection} }}";
}
