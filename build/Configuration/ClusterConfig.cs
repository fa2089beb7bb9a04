namespace EtcdForge.Configuration;

// The typed form of config/cluster.yaml. Property names map to camelCase YAML keys.
public sealed class ClusterConfig
{
    public ClusterSection Cluster { get; set; } = new();
    public EtcdSection Etcd { get; set; } = new();
    public PkiSection Pki { get; set; } = new();
    public BackupSection Backup { get; set; } = new();
    public List<NodeConfig> Nodes { get; set; } = [];
}

public sealed class BackupSection
{
    // How many snapshots Backup keeps under artifacts/<cluster>/backups/; older ones are deleted.
    public int Keep { get; set; } = 7;
}

public sealed class ClusterSection
{
    public string Name { get; set; } = "";
    public string Token { get; set; } = "";
}

public sealed class EtcdSection
{
    public string Version { get; set; } = "";
    public string DownloadUrl { get; set; } = "https://github.com/etcd-io/etcd/releases/download";
    public string? Sha256 { get; set; }
    public string? Archive { get; set; }
    public bool DistributionFallback { get; set; }
    public int ClientPort { get; set; } = 2379;
    public int PeerPort { get; set; } = 2380;
    public string DataDir { get; set; } = "/var/lib/etcd";
    public int HeartbeatIntervalMs { get; set; } = 100;
    public int ElectionTimeoutMs { get; set; } = 1000;
    public int SnapshotCount { get; set; } = 10000;
    public long QuotaBackendBytes { get; set; } = 2L * 1024 * 1024 * 1024;
    public string AutoCompactionRetention { get; set; } = "1";
    // etcd flags as etcd spells them (log-level, max-request-bytes, experimental-...) written into every
    // member's etcd.conf.yml; checked at load (the flags etcd-forge sets itself are refused) and against the
    // etcd DownloadEtcd obtained (unknown flags, values of the wrong type).
    public Dictionary<string, string> ExtraFlags { get; set; } = [];
}

public sealed class PkiSection
{
    public string KeyAlgorithm { get; set; } = "ecdsa-p256";
    public CaConfig Ca { get; set; } = new();
    public string CertValidity { get; set; } = "8760h";
    public string RenewBefore { get; set; } = "720h";
    public List<ClientIdentity> Clients { get; set; } = [new()];
}

public sealed class CaConfig
{
    public string CommonName { get; set; } = "etcd-forge CA";
    public string? Organization { get; set; }
    public string? OrganizationalUnit { get; set; }
    public string? Country { get; set; }
    public string? Locality { get; set; }
    public string? State { get; set; }
    public string Validity { get; set; } = "87600h";
}

public sealed class ClientIdentity
{
    // File stem: client.pem / client-key.pem, as cfssljson would name them.
    public string Name { get; set; } = "client";
    public string CommonName { get; set; } = "root";
    public string? Organization { get; set; }
}

public sealed class NodeConfig
{
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public List<string> Hostnames { get; set; } = [];
    public List<string> ExtraSans { get; set; } = [];
    public ConnectionConfig Connection { get; set; } = new();
    // systemd for ssh nodes, process for the local sandbox (see ServiceKind).
    public string? Service { get; set; }
    // This member's etcd flags, each overriding the same flag of etcd.extraFlags.
    public Dictionary<string, string> ExtraFlags { get; set; } = [];
}

public sealed class ConnectionConfig
{
    public string Type { get; set; } = "local";
    public string? User { get; set; }
    public int Port { get; set; } = 22;
    public string? KeyFile { get; set; }
    public string? HostKey { get; set; }
    public string? KnownHosts { get; set; }
}
