using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace EtcdForge.Configuration;

internal sealed partial class ClusterValidator(string file, YamlShape shape, CfsslProfiles? cfssl)
{
    private static readonly string[] ServerUsages = ["signing", "key encipherment", "server auth", "client auth"];
    private static readonly string[] ClientUsages = ["signing", "key encipherment", "client auth"];

    private readonly List<ConfigProblem> _problems = [.. cfssl?.Problems ?? []];
    private readonly List<ConfigProblem> _warnings = [];
    private readonly string _baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;

    public ClusterLoader.Result Validate(ClusterConfig raw)
    {
        var name = Required(raw.Cluster.Name, "cluster.name", "name: prod-etcd (it also names artifacts/<name>/)");
        if (name.Length > 0 && !SafeName().IsMatch(name)) Error("cluster.name", $"'{name}' may only use letters, digits, '.', '_' and '-'");
        var token = string.IsNullOrWhiteSpace(raw.Cluster.Token) ? $"etcd-forge-{name}" : raw.Cluster.Token;

        var etcd = ValidateEtcd(raw.Etcd);
        var pki = ValidatePki(raw.Pki);
        var nodes = ValidateNodes(raw.Nodes, pki.Clients);
        if (raw.Backup.Keep < 1) Error("backup.keep", $"{raw.Backup.Keep} would keep no backup; give the number of snapshots to keep, e.g. keep: 7");

        if (_problems.Count > 0) throw new ConfigError(_problems);
        return new ClusterLoader.Result(new Cluster(name, token, etcd, pki, nodes, file, new BackupSettings(raw.Backup.Keep)), _warnings);
    }

    private EtcdSettings ValidateEtcd(EtcdSection e)
    {
        if (!EtcdVersion.TryParse(e.Version, out var version))
        {
            Error("etcd.version", string.IsNullOrWhiteSpace(e.Version)
                ? $"needs an etcd version, e.g. 3.5.21 ({EtcdVersion.SupportedRange})"
                : $"'{e.Version}' is not a version like 3.5.21");
        }
        else if (!version.IsSupported)
        {
            Error("etcd.version", $"etcd {version} is not supported; use {EtcdVersion.SupportedRange}");
        }
        if (!Uri.TryCreate(e.DownloadUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https" or "file"))
        {
            Error("etcd.downloadUrl", $"'{e.DownloadUrl}' is not an http(s) or file URL");
        }
        if (e.Sha256 is { } sha && !Sha256Pattern().IsMatch(sha))
        {
            Error("etcd.sha256", "must be 64 hexadecimal characters (the archive's SHA-256)");
        }
        string? archive = null;
        if (!string.IsNullOrWhiteSpace(e.Archive))
        {
            archive = ResolvePath(e.Archive);
            if (!File.Exists(archive)) Error("etcd.archive", $"'{e.Archive}' does not exist (resolved to {archive}); point it at a downloaded etcd release archive, or remove it to download");
        }
        Port(e.ClientPort, "etcd.clientPort");
        Port(e.PeerPort, "etcd.peerPort");
        if (e.ClientPort == e.PeerPort) Error("etcd.peerPort", "must differ from etcd.clientPort");
        if (!e.DataDir.StartsWith('/')) Error("etcd.dataDir", $"'{e.DataDir}' must be an absolute path on the nodes");
        Positive(e.HeartbeatIntervalMs, "etcd.heartbeatIntervalMs");
        Positive(e.ElectionTimeoutMs, "etcd.electionTimeoutMs");
        if (e.ElectionTimeoutMs < 5 * e.HeartbeatIntervalMs)
        {
            Error("etcd.electionTimeoutMs", "should be at least 5 times etcd.heartbeatIntervalMs (etcd's tuning guide)");
        }
        Positive(e.SnapshotCount, "etcd.snapshotCount");
        if (e.QuotaBackendBytes <= 0) Error("etcd.quotaBackendBytes", "must be positive");
        return new EtcdSettings(version, e.DownloadUrl.TrimEnd('/'), e.Sha256?.ToLowerInvariant(), archive,
            e.DistributionFallback, e.ClientPort, e.PeerPort, e.DataDir.TrimEnd('/'), e.HeartbeatIntervalMs,
            e.ElectionTimeoutMs, e.SnapshotCount, e.QuotaBackendBytes, e.AutoCompactionRetention);
    }

    private PkiSettings ValidatePki(PkiSection p)
    {
        var algorithmName = cfssl?.KeyAlgorithm ?? p.KeyAlgorithm;
        var algorithmField = cfssl?.KeyAlgorithm is null ? "pki.keyAlgorithm" : $"{CfsslProfiles.CsrFile} key";
        if (!KeyAlgorithmNames.ByName.TryGetValue(algorithmName, out var algorithm))
        {
            Error(algorithmField, $"'{algorithmName}' is not one of {string.Join(", ", KeyAlgorithmNames.ByName.Keys)}");
        }
        var caSubject = cfssl?.CaSubject ?? new Subject(p.Ca.CommonName, p.Ca.Organization, p.Ca.OrganizationalUnit,
            p.Ca.Country, p.Ca.Locality, p.Ca.State);
        if (string.IsNullOrWhiteSpace(caSubject.CommonName)) Error("pki.ca.commonName", "the CA needs a common name");
        var caValidity = Span(cfssl?.CaExpiry ?? p.Ca.Validity, cfssl?.CaExpiry is null ? "pki.ca.validity" : $"{CfsslProfiles.CsrFile} ca.expiry");
        var renewBefore = Span(p.RenewBefore, "pki.renewBefore");

        var problemsBefore = _problems.Count;
        var server = Profile("server", p.CertValidity, ServerUsages, true);
        var peer = Profile("peer", p.CertValidity, ServerUsages, true);
        var client = Profile("client", p.CertValidity, ClientUsages, false);
        // Compared only with validities that parsed: a bad one already has its own error.
        if (_problems.Count == problemsBefore && renewBefore >= server.Validity)
        {
            Error("pki.renewBefore", "must be shorter than the certificate validity, or every run would reissue");
        }

        var clients = new List<ClientCert>();
        if (p.Clients.Count == 0) Error("pki.clients", "name at least one client identity (e.g. name: client, commonName: root)");
        for (var i = 0; i < p.Clients.Count; i++)
        {
            var c = p.Clients[i];
            var field = $"pki.clients[{i}]";
            if (!SafeName().IsMatch(c.Name)) Error($"{field}.name", $"'{c.Name}' must be a file-name-safe word (letters, digits, '.', '_', '-')");
            if (string.IsNullOrWhiteSpace(c.CommonName)) Error($"{field}.commonName", "needs a common name (the etcd user, e.g. root)");
            if (clients.Any(x => x.Name == c.Name)) Error($"{field}.name", $"client '{c.Name}' is listed twice");
            clients.Add(new ClientCert(c.Name, new Subject(c.CommonName, c.Organization)));
        }
        return new PkiSettings(algorithm, caSubject, caValidity, server, peer, client, renewBefore, clients, cfssl?.Source);
    }

    private CertProfile Profile(string name, string fallbackValidity, string[] defaultUsages, bool needsServerAuth)
    {
        if (cfssl is null || !cfssl.Profiles.TryGetValue(name, out var profile))
        {
            var expiry = cfssl?.DefaultExpiry ?? fallbackValidity;
            return new CertProfile(Span(expiry, cfssl?.DefaultExpiry is null ? "pki.certValidity" : $"{CfsslProfiles.ConfigFile} signing.default.expiry"), defaultUsages);
        }
        var field = $"{CfsslProfiles.ConfigFile} signing.profiles.{name}";
        var validity = Span(profile.Expiry ?? cfssl.DefaultExpiry ?? fallbackValidity, $"{field}.expiry");
        var result = new CertProfile(validity, profile.Usages ?? defaultUsages);
        // etcd's gateway and peers dial with these certificates as clients too; without both usages the cluster fails at runtime.
        if (!result.Has("client auth")) Error($"{field}.usages", "must include \"client auth\"");
        if (needsServerAuth && !result.Has("server auth")) Error($"{field}.usages", "must include \"server auth\" and \"client auth\" (etcd dials its own gRPC port with this certificate)");
        return result;
    }

    private List<Node> ValidateNodes(List<NodeConfig> raw, IReadOnlyList<ClientCert> clients)
    {
        var nodes = new List<Node>();
        if (raw.Count == 0) Error("nodes", "list at least one node (three or five for a fault-tolerant cluster)");
        for (var i = 0; i < raw.Count; i++)
        {
            var n = raw[i];
            var field = $"nodes[{i}]";
            if (!SafeName().IsMatch(n.Name)) Error($"{field}.name", $"'{n.Name}' must be a file-name-safe word (letters, digits, '.', '_', '-')");
            else if (nodes.Any(x => x.Name == n.Name)) Error($"{field}.name", $"node name '{n.Name}' is used twice; give each node its own name");
            else if (clients.Any(c => c.Name == n.Name || c.Name == $"{n.Name}-peer")) Error($"{field}.name", $"'{n.Name}' clashes with a client certificate's file name; rename one");

            if (!IPAddress.TryParse(n.Address, out var address) || !LooksLikeIp(n.Address))
            {
                Error($"{field}.address", string.IsNullOrWhiteSpace(n.Address)
                    ? "needs the node's IP address, e.g. address: 198.18.0.11"
                    : $"'{n.Address}' is not an IPv4 or IPv6 address; write the node's IP spelled out, e.g. 198.18.0.11");
                address = IPAddress.None;
            }
            else if (nodes.FirstOrDefault(x => x.Address.Equals(address)) is { } other)
            {
                Error($"{field}.address", $"{address} is already used by node '{other.Name}'; give each node its own address");
            }
            for (var h = 0; h < n.Hostnames.Count; h++)
            {
                if (!HostnamePattern().IsMatch(n.Hostnames[h])) Error($"{field}.hostnames[{h}]", $"'{n.Hostnames[h]}' is not a valid DNS name");
            }
            for (var s = 0; s < n.ExtraSans.Count; s++)
            {
                var san = n.ExtraSans[s];
                if (!(IPAddress.TryParse(san, out _) && LooksLikeIp(san)) && !HostnamePattern().IsMatch(san))
                    Error($"{field}.extraSans[{s}]", $"'{san}' is neither an IP address nor a DNS name");
            }
            var connection = ValidateConnection(n.Connection, $"{field}.connection");
            var service = ValidateService(n.Service, connection.Type, $"{field}.service");
            nodes.Add(new Node(n.Name, address, n.Hostnames, n.ExtraSans, connection, service));
        }
        if (nodes.Count > 0 && nodes.Count % 2 == 0)
        {
            Warn("nodes", $"{nodes.Count} members tolerate no more failures than {nodes.Count - 1}; an odd count is recommended");
        }
        return nodes;
    }

    private Connection ValidateConnection(ConnectionConfig c, string field)
    {
        var type = c.Type.ToLowerInvariant() switch
        {
            "local" => ConnectionType.Local,
            "ssh" => ConnectionType.Ssh,
            _ => (ConnectionType?)null,
        };
        if (type is null)
        {
            Error($"{field}.type", $"'{c.Type}' is not 'local' or 'ssh'");
            return new Connection(ConnectionType.Local, null, 22, null, null, null);
        }
        if (type == ConnectionType.Local) return new Connection(ConnectionType.Local, null, 0, null, null, null);

        if (string.IsNullOrWhiteSpace(c.User)) Error($"{field}.user", "ssh nodes need a user, e.g. user: root (other users need passwordless sudo)");
        Port(c.Port, $"{field}.port");
        string? keyFile = null;
        if (string.IsNullOrWhiteSpace(c.KeyFile))
        {
            Error($"{field}.keyFile", "ssh nodes need a private key file (key authentication only)");
        }
        else
        {
            keyFile = ResolvePath(c.KeyFile);
            if (!File.Exists(keyFile)) Error($"{field}.keyFile", $"'{c.KeyFile}' does not exist (resolved to {keyFile}); point keyFile at the SSH private key that logs in to this node");
            else if (!Readable(keyFile)) Error($"{field}.keyFile", $"'{keyFile}' cannot be read by this user; make it readable to you (chmod 600, owned by you)");
        }
        string? knownHosts = null;
        if (!string.IsNullOrWhiteSpace(c.KnownHosts))
        {
            knownHosts = ResolvePath(c.KnownHosts);
            if (!File.Exists(knownHosts)) Error($"{field}.knownHosts", $"'{c.KnownHosts}' does not exist (resolved to {knownHosts}); point it at a known_hosts file that lists this node (an empty file works with --trust-new-host-keys)");
        }
        if (c.HostKey is null && knownHosts is null && string.IsNullOrWhiteSpace(c.KnownHosts))
        {
            Error($"{field}.hostKey", "set hostKey to the host's fingerprint (ssh-keygen -lf) or knownHosts to a known_hosts file; " +
                "without either the SSH host key cannot be verified");
        }
        if (c.HostKey is { } pin && !HostKeyPattern().IsMatch(pin))
        {
            Error($"{field}.hostKey", $"'{pin}' is not a fingerprint like SHA256:<43 base64 characters> (as printed by ssh-keygen -lf)");
        }
        return new Connection(ConnectionType.Ssh, c.User, c.Port, keyFile, c.HostKey, knownHosts);
    }

    private ServiceKind ValidateService(string? service, ConnectionType type, string field)
    {
        var kind = service?.ToLowerInvariant() switch
        {
            null => type == ConnectionType.Local ? ServiceKind.Process : ServiceKind.Systemd,
            "process" => ServiceKind.Process,
            "systemd" => ServiceKind.Systemd,
            _ => (ServiceKind?)null,
        };
        if (kind is null)
        {
            Error(field, $"'{service}' is not 'systemd' or 'process'");
            return ServiceKind.Process;
        }
        if (type == ConnectionType.Local && kind == ServiceKind.Systemd)
        {
            Error(field, "local nodes run as processes under artifacts/; use 'process' or an ssh connection");
        }
        return kind.Value;
    }

    private string Required(string value, string field, string example)
    {
        if (string.IsNullOrWhiteSpace(value)) Error(field, $"is required, e.g. {example}");
        return value ?? "";
    }

    private TimeSpan Span(string text, string field)
    {
        if (Duration.TryParse(text, out var span)) return span;
        Error(field, $"'{text}' is not a duration like 8760h or 365d");
        return TimeSpan.FromDays(1);
    }

    private void Port(int port, string field)
    {
        if (port is < 1 or > 65535) Error(field, $"{port} is not a TCP port (1-65535)");
    }

    private void Positive(int value, string field)
    {
        if (value <= 0) Error(field, "must be positive");
    }

    private string ResolvePath(string path)
    {
        if (path.StartsWith("~/"))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        }
        return Path.GetFullPath(path, _baseDir);
    }

    private static bool Readable(string path)
    {
        try
        {
            using var _ = File.OpenRead(path);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    // IPAddress.TryParse also accepts "1" or "127.1"; an address in a cluster description should be spelled out.
    private static bool LooksLikeIp(string text) =>
        IPAddress.TryParse(text, out var ip) &&
        (ip.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(ch => ch == '.') == 3);

    // The server, peer and client profiles share one validity field: its error is reported once.
    private void Error(string field, string message)
    {
        var problem = new ConfigProblem(FileFor(field), LineFor(field), field, message);
        if (!_problems.Contains(problem)) _problems.Add(problem);
    }

    private void Warn(string field, string message) =>
        _warnings.Add(new ConfigProblem(file, shape.LineOf(field), field, message, IsWarning: true));

    private string FileFor(string field) =>
        field.StartsWith(CfsslProfiles.CsrFile) ? Path.Combine(cfssl!.Source, CfsslProfiles.CsrFile)
        : field.StartsWith(CfsslProfiles.ConfigFile) ? Path.Combine(cfssl!.Source, CfsslProfiles.ConfigFile)
        : file;

    private int LineFor(string field) => FileFor(field) == file ? shape.LineOf(field) : 1;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostnamePattern();

    [GeneratedRegex(@"^SHA256:[A-Za-z0-9+/]{43}=?$")]
    private static partial Regex HostKeyPattern();
}
