using System.Net;
using System.Text;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.EtcdFlags;
using EtcdForge.Nodes;

namespace EtcdForge.Packaging;

// etcd's --config-file YAML for one member, written for the etcd version actually obtained: a key an
// older etcd does not know is silently ignored, so a setting the version lacks must be expressed another way.
public static class EtcdConfigFile
{
    // etcd 3.4 has no tls-min-version; limiting it to these suites rules out TLS 1.0/1.1 (they have no AEAD
    // ECDHE suites). 3.5 renamed the CHACHA suites to their IANA names.
    private static readonly string[] GcmSuites =
    [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    ];

    private static readonly EtcdVersion ChaChaRenamed = new(3, 5, 0);
    // CHANGELOG-3.5: "v3.5.8: Add etcd --tls-min-version --tls-max-version".
    private static readonly EtcdVersion TlsMinVersionAdded = new(3, 5, 8);

    // extraFlags go last, after etcd-forge's own keys (EtcdFlagNames keeps them from repeating one), so a member
    // without any gets the file it got before they existed, and no restart.
    public static string Render(Node node, Cluster cluster, NodePaths paths, EtcdVersion version, IReadOnlyList<CheckedExtraFlags.Rendered> extraFlags)
    {
        var etcd = cluster.Etcd;
        var ssl = new SslFiles(paths.SslDir, node.Name);
        var clientUrl = node.ClientUrl;
        var peerUrl = node.PeerUrl;
        // A loopback listener lets health checks on the node itself use 127.0.0.1. Members that already sit on
        // a loopback address skip it: sandbox members share one client port on 127.0.0.x and would collide.
        var listenClient = IPAddress.IsLoopback(node.Address) ? clientUrl : $"{clientUrl},https://127.0.0.1:{etcd.ClientPort}";

        var y = new StringBuilder();
        y.Append($"# etcd {version} configuration for member {node.Name} of cluster {cluster.Name}, written by etcd-forge.\n");
        Key(y, "name", node.Name);
        Key(y, "data-dir", paths.DataDir);
        Key(y, "listen-peer-urls", peerUrl);
        Key(y, "listen-client-urls", listenClient);
        Key(y, "initial-advertise-peer-urls", peerUrl);
        Key(y, "advertise-client-urls", clientUrl);
        Key(y, "initial-cluster", cluster.InitialCluster);
        Key(y, "initial-cluster-token", cluster.Token);
        Key(y, "initial-cluster-state", "new");
        Security(y, "client-transport-security", ssl.ServerCert, ssl.ServerKey, ssl.Ca);
        Security(y, "peer-transport-security", ssl.PeerCert, ssl.PeerKey, ssl.Ca);
        if (version >= TlsMinVersionAdded) Key(y, "tls-min-version", "TLS1.2");
        y.Append("cipher-suites:\n");
        foreach (var suite in CipherSuites(version)) y.Append($"  - {suite}\n");
        Key(y, "logger", "zap");
        y.Append("log-outputs: [stderr]\n");
        Raw(y, "heartbeat-interval", etcd.HeartbeatIntervalMs);
        Raw(y, "election-timeout", etcd.ElectionTimeoutMs);
        Raw(y, "snapshot-count", etcd.SnapshotCount);
        Raw(y, "quota-backend-bytes", etcd.QuotaBackendBytes);
        if (extraFlags.All(f => f.Name != AutoCompactionMode)) Key(y, AutoCompactionMode, "periodic");
        Key(y, "auto-compaction-retention", etcd.AutoCompactionRetention);
        // The flag defaults to true, but a config file starts from embed.Config's zero value: without this
        // key the HTTP/JSON gateway answers 404 (seen with 3.4.23).
        y.Append("enable-grpc-gateway: true\n");
        if (version.HasV2Flag) y.Append("enable-v2: false\n");
        if (extraFlags.Count > 0) y.Append("# etcd.extraFlags, and this node's own\n");
        foreach (var flag in extraFlags) y.Append(flag.Name).Append(": ").Append(flag.Yaml).Append('\n');
        return y.ToString();
    }

    // etcd-forge's default, which extraFlags may change (revision-based compaction).
    private const string AutoCompactionMode = "auto-compaction-mode";

    public static IReadOnlyList<string> CipherSuites(EtcdVersion version) =>
        version >= ChaChaRenamed
            ? [.. GcmSuites, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"]
            : [.. GcmSuites, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"];

    private static void Security(StringBuilder y, string section, string cert, string key, string ca)
    {
        y.Append(section).Append(":\n");
        Key(y, "  cert-file", cert);
        Key(y, "  key-file", key);
        y.Append("  client-cert-auth: true\n");
        Key(y, "  trusted-ca-file", ca);
    }

    // Single-quoted so paths, tokens and "24h"-style retentions are never read as numbers, booleans or anchors.
    private static void Key(StringBuilder y, string key, string value) =>
        y.Append(key).Append(": '").Append(value.Replace("'", "''")).Append("'\n");

    private static void Raw(StringBuilder y, string key, long value) => y.Append(key).Append(": ").Append(value).Append('\n');
}
