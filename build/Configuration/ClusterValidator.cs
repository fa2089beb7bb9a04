using System.Net;
using System.Text.RegularExpressions;
using EtcdForge.Artifacts;

namespace EtcdForge.Configuration;

internal sealed partial class ClusterValidator(string file, YamlShape shape, CfsslProfiles? cfssl)
{
    private static readonly string[] ServerUsages = ["signing", "key encipherment", "server auth", "client auth"];
    private static readonly string[] ClientUsages = ["signing", "key encipherment", "client auth"];

    private readonly List<ConfigProblem> _problems = [];
    private readonly List<ConfigProblem> _warnings = [];
    private readonly string _baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;

    // etcd refuses a longer election timeout at start-up ("--election-timeout[...] is too long").
    private const int MaxElectionTimeoutMs = 50000;

    public ClusterLoader.Result Validate(ClusterConfig raw)
    {
        var name = Required(raw.Cluster.Name, "cluster.name", "name: prod-etcd (it also names artifacts/<name>/)");
        if (name.Length > 0 && !SafeName().IsMatch(name)) Error("cluster.name", $"'{Shorten(name)}' may only use letters, digits, '.', '_' and '-'");
        else if (name.Length > MaxNameLength) Error("cluster.name", $"is {name.Length} characters long; use at most {MaxNameLength} (it names a directory)");
        else if (name.Equals(ArtifactNames.SharedDir, StringComparison.OrdinalIgnoreCase)) Error("cluster.name", $"'{name}' is reserved: artifacts/{ArtifactNames.SharedDir}/ holds the downloads every cluster shares; choose another name");
        var token = string.IsNullOrWhiteSpace(raw.Cluster.Token) ? $"etcd-forge-{name}" : raw.Cluster.Token;

        var etcd = ValidateEtcd(raw.Etcd);
        var pki = ValidatePki(raw.Pki);
        var nodes = ValidateNodes(raw.Nodes, pki.Clients, etcd);
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
            if (Directory.Exists(archive)) Error("etcd.archive", $"'{e.Archive}' is a directory (resolved to {archive}); point it at the etcd release archive (.tar.gz) itself");
            else if (!File.Exists(archive)) Error("etcd.archive", $"'{e.Archive}' does not exist (resolved to {archive}); point it at a downloaded etcd release archive, or remove it to download");
        }
        Port(e.ClientPort, "etcd.clientPort");
        Port(e.PeerPort, "etcd.peerPort");
        if (e.ClientPort == e.PeerPort) Error("etcd.peerPort", "must differ from etcd.clientPort");
        if (!e.DataDir.StartsWith('/')) Error("etcd.dataDir", $"'{e.DataDir}' must be an absolute path on the nodes");
        Positive(e.HeartbeatIntervalMs, "etcd.heartbeatIntervalMs");
        Positive(e.ElectionTimeoutMs, "etcd.electionTimeoutMs");
        if (e.ElectionTimeoutMs > MaxElectionTimeoutMs) Error("etcd.electionTimeoutMs", $"{e.ElectionTimeoutMs} is more than etcd accepts ({MaxElectionTimeoutMs})");
        else if (e.ElectionTimeoutMs < 5L * e.HeartbeatIntervalMs)
        {
            Error("etcd.electionTimeoutMs", $"{e.ElectionTimeoutMs} is less than 5 times etcd.heartbeatIntervalMs ({e.HeartbeatIntervalMs}), " +
                $"which etcd refuses at start-up; raise it to at least {5L * e.HeartbeatIntervalMs} or lower the heartbeat interval");
        }
        Positive(e.SnapshotCount, "etcd.snapshotCount");
        if (e.QuotaBackendBytes <= 0) Error("etcd.quotaBackendBytes", "must be positive");
        if (!RetentionPattern().IsMatch(e.AutoCompactionRetention))
            Error("etcd.autoCompactionRetention", $"'{Shorten(e.AutoCompactionRetention)}' is not a number of hours or a duration like \"1\", \"30m\" or \"1h\" (0 turns compaction off)");
        return new EtcdSettings(version, e.DownloadUrl.TrimEnd('/'), e.Sha256?.ToLowerInvariant(), archive,
            e.DistributionFallback, e.ClientPort, e.PeerPort, e.DataDir.TrimEnd('/'), e.HeartbeatIntervalMs,
            e.ElectionTimeoutMs, e.SnapshotCount, e.QuotaBackendBytes, e.AutoCompactionRetention)
        {
            ExtraFlags = ExtraFlags(e.ExtraFlags, "etcd", e.AutoCompactionRetention),
        };
    }

    // The names are checked here (EtcdFlagNames); whether the obtained etcd knows them, and the types of their
    // values, once DownloadEtcd has obtained it (EtcdFlags.CheckedExtraFlags).
    private List<ExtraFlag> ExtraFlags(Dictionary<string, string> raw, string section, string retention)
    {
        var flags = new List<ExtraFlag>();
        foreach (var (name, value) in raw)
        {
            var field = $"{section}.extraFlags.{name}";
            if (EtcdFlagNames.Refusal(name) is { } refusal) Error(field, refusal);
            else if (name == AutoCompactionMode) CompactionMode(value, retention, field);
            flags.Add(new ExtraFlag(name, value, field, shape.LineOf(field)));
        }
        return flags;
    }

    private const string AutoCompactionMode = "auto-compaction-mode";

    // etcd-forge defaults the mode to periodic; revision mode reads etcd.autoCompactionRetention as a number of
    // revisions, and etcd would take a duration there as that many nanoseconds' worth of revisions, silently.
    private void CompactionMode(string mode, string retention, string field)
    {
        if (mode is not ("periodic" or "revision")) Error(field, $"'{Shorten(mode)}' is not periodic or revision");
        else if (mode == "revision" && !retention.All(char.IsAsciiDigit))
        {
            Error(field, $"revision keeps a number of revisions, but etcd.autoCompactionRetention is '{Shorten(retention)}'; " +
                "set etcd.autoCompactionRetention to the number of revisions to keep (e.g. \"10000\") or use periodic");
        }
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
        CaSubject(caSubject);
        var problemsBefore = _problems.Count;
        // With a ca-csr.json, the CA lives as long as cfssl gencert -initca would make it: ca.expiry, else cfssl's 43800h.
        var caValidity = cfssl is null
            ? Validity(p.Ca.Validity, "pki.ca.validity")
            : Validity(cfssl.CaExpiry ?? CfsslProfiles.DefaultCaExpiry, $"{CfsslProfiles.CsrFile} ca.expiry");
        var renewBefore = Validity(p.RenewBefore, "pki.renewBefore");
        var leaves = new[] { Profile("server", p.CertValidity, ServerUsages, true), Profile("peer", p.CertValidity, ServerUsages, true),
                             Profile("client", p.CertValidity, ClientUsages, false) };
        // Compared only when every duration parsed: a bad one already has its own error.
        if (_problems.Count == problemsBefore) ValidityPairs(renewBefore, caValidity, leaves);
        var (server, peer, client) = (leaves[0].Profile, leaves[1].Profile, leaves[2].Profile);

        var clients = new List<ClientCert>();
        if (p.Clients.Count == 0) Error("pki.clients", "name at least one client identity (e.g. name: client, commonName: root)");
        for (var i = 0; i < p.Clients.Count; i++)
        {
            var c = p.Clients[i];
            var field = $"pki.clients[{i}]";
            FileSafeName(c.Name, $"{field}.name");
            if (string.IsNullOrWhiteSpace(c.CommonName)) Error($"{field}.commonName", "needs a common name (the etcd user, e.g. root)");
            SubjectPart(c.CommonName, $"{field}.commonName");
            SubjectPart(c.Organization, $"{field}.organization");
            if (clients.Any(x => x.Name == c.Name)) Error($"{field}.name", $"client '{c.Name}' is listed twice");
            clients.Add(new ClientCert(c.Name, new Subject(c.CommonName, c.Organization)));
        }
        return new PkiSettings(algorithm, caSubject, caValidity.Span, server, peer, client, renewBefore.Span, clients, cfssl?.Source);
    }

    // A duration as written, where it was written (pki.certValidity, or a cfssl file's expiry) and what it is.
    private sealed record Written(string Text, string Field, TimeSpan Span);

    private Written Validity(string text, string field) => new(text, field, Span(text, field));

    // No churn by description: every pair of durations that would make every run redo its work, or contradict
    // each other, is refused with both values. A leaf within renewBefore from the moment it is issued would be
    // reissued by every run; a leaf cannot be trusted longer than its CA. renewBefore shorter than every leaf's
    // validity, and those no longer than the CA's, keeps the CA out of renewBefore when it is made (no rotation
    // due at once). Renewal is exercised on purpose with --target=RenewCerts --force, not by such a description.
    private void ValidityPairs(Written renewBefore, Written ca, IReadOnlyList<(CertProfile Profile, Written Validity)> leaves)
    {
        var shortest = leaves.MinBy(l => l.Profile.Validity).Validity;
        if (renewBefore.Span >= shortest.Span)
        {
            Error(renewBefore.Field, $"{renewBefore.Text} is not shorter than {shortest.Field} ({shortest.Text}): every run would reissue every " +
                "leaf certificate; make renewBefore shorter than that (720h for 8760h is usual), and renew at will with --target=RenewCerts --force");
        }
        foreach (var longer in leaves.Select(l => l.Validity).Where(v => v.Span > ca.Span).DistinctBy(v => v.Field))
        {
            Error(longer.Field, $"{longer.Text} is longer than {ca.Field} ({ca.Text}): a certificate is trusted only while its CA is; " +
                "make it shorter, or the CA's validity longer");
        }
    }

    // The CA's subject comes from ca-csr.json when there is one: a problem is blamed on that file's line.
    private void CaSubject(Subject subject)
    {
        string FieldOf(string yaml, string csr) => cfssl?.CaSubject is null ? $"pki.ca.{yaml}" : $"{CfsslProfiles.CsrFile} {csr}";
        if (string.IsNullOrWhiteSpace(subject.CommonName)) Error(FieldOf("commonName", "CN"), "the CA needs a common name");
        SubjectPart(subject.CommonName, FieldOf("commonName", "CN"));
        SubjectPart(subject.Organization, FieldOf("organization", "names[0].O"));
        SubjectPart(subject.OrganizationalUnit, FieldOf("organizationalUnit", "names[0].OU"));
        SubjectPart(subject.Country, FieldOf("country", "names[0].C"), 2);
        SubjectPart(subject.Locality, FieldOf("locality", "names[0].L"), 128);
        SubjectPart(subject.State, FieldOf("state", "names[0].ST"), 128);
    }

    private (CertProfile Profile, Written Validity) Profile(string name, string fallbackValidity, string[] defaultUsages, bool needsServerAuth)
    {
        if (cfssl is null || !cfssl.Profiles.TryGetValue(name, out var profile))
        {
            var expiry = Validity(cfssl?.DefaultExpiry ?? fallbackValidity, cfssl?.DefaultExpiry is null ? "pki.certValidity" : $"{CfsslProfiles.ConfigFile} signing.default.expiry");
            return (new CertProfile(expiry.Span, defaultUsages), expiry);
        }
        var field = $"{CfsslProfiles.ConfigFile} signing.profiles.{name}";
        var validity = Validity(profile.Expiry ?? cfssl.DefaultExpiry ?? fallbackValidity, $"{field}.expiry");
        var result = new CertProfile(validity.Span, profile.Usages ?? defaultUsages);
        // etcd's gateway and peers dial with these certificates as clients too; without both usages the cluster fails at runtime.
        if (!result.Has("client auth")) Error($"{field}.usages", "must include \"client auth\"");
        if (needsServerAuth && !result.Has("server auth")) Error($"{field}.usages", "must include \"server auth\" and \"client auth\" (etcd dials its own gRPC port with this certificate)");
        return (result, validity);
    }

    private List<Node> ValidateNodes(List<NodeConfig> raw, IReadOnlyList<ClientCert> clients, EtcdSettings etcd)
    {
        var nodes = new List<Node>();
        if (raw.Count == 0) Error("nodes", "list at least one node (three or five for a fault-tolerant cluster)");
        for (var i = 0; i < raw.Count; i++)
        {
            var n = raw[i];
            var field = $"nodes[{i}]";
            if (FileSafeName(n.Name, $"{field}.name") && nodes.Any(x => x.Name == n.Name)) Error($"{field}.name", $"node name '{n.Name}' is used twice; give each node its own name");

            var address = NetworkNames.CanonicalIp(n.Address);
            if (address is null)
            {
                Error($"{field}.address", string.IsNullOrWhiteSpace(n.Address)
                    ? "needs the node's IP address, e.g. address: 198.18.0.11"
                    : $"'{Shorten(n.Address)}' is not an IPv4 or IPv6 address written in full; {NetworkNames.HowToWrite(n.Address)}");
                address = IPAddress.None;
            }
            else if (NetworkNames.MemberAddressProblem(address) is { } unusable)
            {
                Error($"{field}.address", $"{address} {unusable}; give the address this member is reached at");
            }
            else if (nodes.FirstOrDefault(x => x.Address.Equals(address)) is { } other)
            {
                Error($"{field}.address", $"{address} is already used by node '{other.Name}'; give each node its own address");
            }
            for (var h = 0; h < n.Hostnames.Count; h++)
            {
                if (NetworkNames.HostnameProblem(n.Hostnames[h]) is { } why) Error($"{field}.hostnames[{h}]", $"'{Shorten(n.Hostnames[h])}' {why}");
            }
            for (var s = 0; s < n.ExtraSans.Count; s++)
            {
                var san = n.ExtraSans[s];
                if (NetworkNames.CanonicalIp(san) is not null || NetworkNames.HostnameProblem(san) is not { } why) continue;
                Error($"{field}.extraSans[{s}]", san.Contains(':') || san.All(c => char.IsAsciiDigit(c) || c == '.')
                    ? $"'{Shorten(san)}' is not an IP address written in full; {NetworkNames.HowToWrite(san)}"
                    : $"'{Shorten(san)}' {why}");
            }
            var connection = ValidateConnection(n.Connection, $"{field}.connection");
            var service = ValidateService(n.Service, connection.Type, $"{field}.service");
            nodes.Add(new Node(n.Name, address, n.Hostnames, n.ExtraSans, connection, service,
                Node.HttpsUrl(address, etcd.ClientPort), Node.HttpsUrl(address, etcd.PeerPort))
            {
                ExtraFlags = ExtraFlags(n.ExtraFlags, field, etcd.AutoCompactionRetention),
            });
        }
        FileNameClashes(raw, clients);
        if (nodes.Count > 0 && nodes.Count % 2 == 0)
        {
            Warn("nodes", $"{nodes.Count} members tolerate no more failures than {nodes.Count - 1}; an odd count is recommended");
        }
        return nodes;
    }

    // Names decide file names: refuse two owners of one file before anything is written (see ArtifactNames).
    private void FileNameClashes(List<NodeConfig> nodes, IReadOnlyList<ClientCert> clients)
    {
        // Names that are not file-safe already have their own error.
        var clashes = ArtifactNames.Clashes(
            [.. nodes.Select((n, i) => new ArtifactNames.Named(n.Name, $"nodes[{i}].name")).Where(n => SafeName().IsMatch(n.Name))],
            [.. clients.Select((c, i) => new ArtifactNames.Named(c.Name, $"pki.clients[{i}].name")).Where(c => SafeName().IsMatch(c.Name))]);
        foreach (var (clash, with) in clashes)
        {
            Error(clash.By!.Field, $"'{clash.By.Name}' would write {clash.Dir}{clash.File}, which is {with.Owner}'s {with.What}; " +
                (with.By is null ? "choose another name" : "rename one of them"));
        }
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
            "docker" => ServiceKind.Docker,
            _ => (ServiceKind?)null,
        };
        if (kind is null)
        {
            Error(field, $"'{service}' is not 'systemd', 'process' or 'docker'");
            return ServiceKind.Process;
        }
        if (type == ConnectionType.Local && kind == ServiceKind.Systemd)
        {
            Error(field, "local nodes run as processes or containers under artifacts/; use 'process', 'docker' or an ssh connection");
        }
        return kind.Value;
    }

    // Names become file names (pki/NAME-peer-key.pem), certificate common names (at most 64 characters, RFC 5280)
    // and etcd member names.
    private const int MaxNameLength = 64;

    private bool FileSafeName(string name, string field)
    {
        if (!SafeName().IsMatch(name)) Error(field, $"'{Shorten(name)}' must be a file-name-safe word (letters, digits, '.', '_', '-')");
        else if (name.Length > MaxNameLength) Error(field, $"is {name.Length} characters long; use at most {MaxNameLength} (it is a certificate's common name and a file name)");
        else return true;
        return false;
    }

    // RFC 5280's upper bounds; a longer value makes certificates that TLS libraries refuse to parse.
    private void SubjectPart(string? value, string field, int limit = MaxNameLength)
    {
        if (value is not null && value.Length > limit) Error(field, $"is {value.Length} characters long; a certificate allows at most {limit}");
    }

    private string Required(string value, string field, string example)
    {
        if (string.IsNullOrWhiteSpace(value)) Error(field, $"is required, e.g. {example}");
        return value ?? "";
    }

    private TimeSpan Span(string text, string field)
    {
        switch (Duration.Read(text, out var span))
        {
            case Duration.Reading.Ok: return span;
            case Duration.Reading.TooLong: Error(field, $"'{Shorten(text)}' is longer than {Duration.Max.TotalHours:0}h (100 years); use a shorter duration like 8760h"); break;
            default: Error(field, $"'{Shorten(text)}' is not a duration like 8760h or 365d"); break;
        }
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

    // A 300-character value would make the one error line unreadable.
    private static string Shorten(string text) => text.Length <= 60 ? text : $"{text[..40]}...({text.Length} characters)";

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

    private int LineFor(string field) => FileFor(field) == file ? shape.LineOf(field) : cfssl!.LineOf(field);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"^([0-9]+|([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+)$")]
    private static partial Regex RetentionPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^SHA256:[A-Za-z0-9+/]{43}=?$")]
    private static partial Regex HostKeyPattern();
}
