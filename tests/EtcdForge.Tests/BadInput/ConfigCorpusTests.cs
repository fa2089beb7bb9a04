
namespace EtcdForge.Tests.BadInput;

// Broken cluster descriptions and command lines, each run through the real host as a user runs it
// (--target=Package): one error line naming file:line and field (or the option), what is wrong and what to
// do; a non-zero exit; no stack trace; and nothing written under the artifacts dir.
public sealed class ConfigCorpusTests : IDisposable
{
    private const string Etcd2 = BrokenDescription.Etcd2Connection;
    private const string Etcd3Address = "    address: 127.0.2.13";

    private static readonly BrokenDescription[] Cases =
    [
        // YAML that does not parse
        new("malformed YAML: bad indentation")
        {
            Edits = [("  token: badinput-token", "   token: badinput-token")], At = "   token: badinput-token",
            Says = ["malformed YAML"], Do = "check the indentation",
        },
        new("malformed YAML: unclosed list")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    hostnames: [etcd3.local")], At = "    hostnames: [etcd3.local",
            Says = ["malformed YAML", "unterminated [ ] or { } list"], Do = "close it on this line",
        },
        new("malformed YAML: tab indentation")
        {
            // The parser stops in the plain scalar that began on the line before, and says where it found the tab.
            Edits = [("  token: badinput-token", "\ttoken: badinput-token")], At = "  name: badinput",
            Says = ["malformed YAML", "tab character", "on line 3"], Do = "check the indentation",
        },
        new("malformed YAML: a key twice")
        {
            Edits = [("  peerPort: 2380", "  peerPort: 2380\n  clientPort: 2381")], At = "  clientPort: 2381",
            Says = ["Duplicate key clientPort"], Do = "repeated keys",
        },
        new("empty file") { Whole = "", Line = 1, Says = ["the file is empty"], Do = "see config/cluster.yaml" },
        new("a list instead of a description")
        {
            Whole = "- etcd1\n- etcd2\n- etcd3\n", Line = 1, Says = ["expected a mapping with cluster, etcd, pki and nodes"],
            Do = "see config/cluster.yaml",
        },

        // wrong types
        new("wrong type: text for a port")
        {
            Edits = [("  clientPort: 2379", "  clientPort: twenty")], At = "  clientPort: twenty", Field = "etcd.clientPort",
            Says = ["'twenty'"], Do = "is not a whole number",
        },
        new("wrong type: yes for true/false")
        {
            Edits = [("  clientPort: 2379", "  distributionFallback: yes\n  clientPort: 2379")], At = "  distributionFallback: yes",
            Field = "etcd.distributionFallback", Says = ["'yes'"], Do = "is not a true/false value",
        },
        new("wrong type: text for a list")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    hostnames: etcd3.local")], At = "    hostnames: etcd3.local",
            Field = "nodes[2].hostnames", Says = ["expected a list"], Do = "- item per line",
        },
        new("wrong type: text for a mapping")
        {
            Edits = [("    address: 127.0.2.11\n    connection: { type: local }", "    address: 127.0.2.11\n    connection: local")],
            At = "    connection: local", Field = "nodes[0].connection", Says = ["expected a mapping"], Do = "of keys to values",
        },

        // unknown keys
        new("unknown key")
        {
            Edits = [("  token: badinput-token", "  token: badinput-token\n  colour: blue")], At = "  colour: blue",
            Field = "cluster.colour", Says = ["unknown key 'colour'"], Do = "allowed here: name, token",
        },
        new("misspelt key")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    hostnmes: [etcd3.local]")], At = "    hostnmes: [etcd3.local]",
            Field = "nodes[2].hostnmes", Says = ["unknown key 'hostnmes'"], Do = "did you mean 'hostnames'?",
        },

        // duplicates
        new("duplicate node name")
        {
            Edits = [("  - name: etcd3", "  - name: etcd1")], At = "  - name: etcd1\n", Field = "nodes[2].name",
            Says = ["node name 'etcd1' is used twice"], Do = "give each node its own name",
        },
        new("duplicate address")
        {
            Edits = [(Etcd3Address, "    address: 127.0.2.12")], At = "    address: 127.0.2.12\n    connection: { type: local }",
            Field = "nodes[2].address", Says = ["127.0.2.12 is already used by node 'etcd2'"], Do = "give each node its own address",
        },

        // addresses and ports
        new("invalid IP: octet over 255")
        {
            Edits = [(Etcd3Address, "    address: 127.0.2.300")], At = "    address: 127.0.2.300", Field = "nodes[2].address",
            Says = ["'127.0.2.300' is not an IPv4 or IPv6 address"], Do = "spelled out",
        },
        new("invalid IP: short form")
        {
            Edits = [(Etcd3Address, "    address: 127.1")], At = "    address: 127.1", Field = "nodes[2].address",
            Says = ["'127.1' is not an IPv4 or IPv6 address"], Do = "spelled out",
        },
        new("invalid IP: a host name")
        {
            Edits = [(Etcd3Address, "    address: etcd3.local")], At = "    address: etcd3.local", Field = "nodes[2].address",
            Says = ["'etcd3.local' is not an IPv4 or IPv6 address"], Do = "spelled out",
        },
        new("missing address")
        {
            Edits = [(Etcd3Address + "\n", "")], At = "  - name: etcd3", Field = "nodes[2].address",
            Says = ["needs the node's IP address"], Do = "e.g. address:",
        },
        new("invalid port: out of range")
        {
            Edits = [("  clientPort: 2379", "  clientPort: 70000")], At = "  clientPort: 70000", Field = "etcd.clientPort",
            Says = ["70000 is not a TCP port"], Do = "(1-65535)",
        },
        new("invalid port: peer port same as client port")
        {
            Edits = [("  peerPort: 2380", "  peerPort: 2379")], At = "  peerPort: 2379", Field = "etcd.peerPort",
            Says = ["must differ"], Do = "from etcd.clientPort",
        },
        new("invalid port: ssh port 0")
        {
            Edits = [("type: ssh, user: root,", "type: ssh, port: 0, user: root,")], At = Etcd2.Replace("type: ssh, user: root,", "type: ssh, port: 0, user: root,"),
            Field = "nodes[1].connection.port", Says = ["0 is not a TCP port"], Do = "(1-65535)",
        },

        // SSH credentials and host keys
        new("missing key file")
        {
            Edits = [("keyFile: keys/id_ed25519", "keyFile: keys/id_missing")], At = Etcd2.Replace("id_ed25519", "id_missing"),
            Field = "nodes[1].connection.keyFile", Says = ["'keys/id_missing' does not exist", "keys/id_missing)"],
            Do = "point keyFile at the SSH private key",
        },
        new("unreadable key file")
        {
            UnreadableKey = true, At = Etcd2, Field = "nodes[1].connection.keyFile", Says = ["cannot be read by this user"],
            Do = "make it readable to you",
        },
        new("missing known_hosts file")
        {
            Edits = [("hostKey: \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "knownHosts: ssh/known_hosts")],
            At = "    connection: { type: ssh, user: root, keyFile: keys/id_ed25519, knownHosts: ssh/known_hosts }",
            Field = "nodes[1].connection.knownHosts", Says = ["'ssh/known_hosts' does not exist"], Do = "--trust-new-host-keys",
        },
        new("malformed host key pin")
        {
            Edits = [("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "SHA256:abc")], At = Etcd2.Replace("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "SHA256:abc"),
            Field = "nodes[1].connection.hostKey", Says = ["'SHA256:abc' is not a fingerprint"], Do = "ssh-keygen -lf",
        },
        new("no way to verify the host key")
        {
            Edits = [(", hostKey: \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "")],
            At = "    connection: { type: ssh, user: root, keyFile: keys/id_ed25519 }", Field = "nodes[1].connection.hostKey",
            Says = ["cannot be verified"], Do = "set hostKey to the host's fingerprint",
        },
        new("ssh node without a user")
        {
            Edits = [(" user: root,", "")], At = Etcd2.Replace(" user: root,", ""), Field = "nodes[1].connection.user",
            Says = ["ssh nodes need a user"], Do = "e.g. user: root",
        },
        new("unknown connection type")
        {
            Edits = [("    address: 127.0.2.11\n    connection: { type: local }", "    address: 127.0.2.11\n    connection: { type: telnet }")],
            At = "    connection: { type: telnet }", Field = "nodes[0].connection.type", Says = ["'telnet'"], Do = "is not 'local' or 'ssh'",
        },
        new("local node under systemd")
        {
            Edits = [("    address: 127.0.2.11\n", "    address: 127.0.2.11\n    service: systemd\n")], At = "    service: systemd",
            Field = "nodes[0].service", Says = ["local nodes run as processes"], Do = "use 'process', 'docker' or an ssh connection",
        },
        new("unknown service")
        {
            Edits = [("    address: 127.0.2.11\n", "    address: 127.0.2.11\n    service: podman\n")], At = "    service: podman",
            Field = "nodes[0].service", Says = ["'podman'"], Do = "is not 'systemd', 'process' or 'docker'",
        },

        // cluster, members, etcd
        new("missing required field: cluster name")
        {
            Edits = [("  name: badinput\n", "")], At = "cluster:", Field = "cluster.name", Says = ["is required"], Do = "e.g. name: prod-etcd",
        },
        new("bad cluster name")
        {
            Edits = [("  name: badinput", "  name: \"my cluster!\"")], At = "  name: \"my cluster!\"", Field = "cluster.name",
            Says = ["'my cluster!'"], Do = "may only use letters, digits",
        },
        new("zero members")
        {
            Edits = [(BrokenDescription.Base[BrokenDescription.Base.IndexOf("nodes:", StringComparison.Ordinal)..], "nodes: []\n")],
            At = "nodes: []", Field = "nodes", Says = ["list at least one node"], Do = "three or five",
        },
        new("unsupported etcd version")
        {
            Edits = [("  version: 3.4.23", "  version: 3.3.27")], At = "  version: 3.3.27", Field = "etcd.version",
            Says = ["etcd 3.3.27 is not supported"], Do = "use 3.4.x, 3.5.x or 3.6.x",
        },
        new("etcd version that is not a version")
        {
            Edits = [("  version: 3.4.23", "  version: latest")], At = "  version: latest", Field = "etcd.version",
            Says = ["'latest' is not a version"], Do = "like 3.5.21",
        },
        new("malformed sha256")
        {
            Edits = [("  clientPort: 2379", "  sha256: abc123\n  clientPort: 2379")], At = "  sha256: abc123", Field = "etcd.sha256",
            Says = ["must be 64 hexadecimal characters"], Do = "the archive's SHA-256",
        },
        new("missing etcd archive")
        {
            Edits = [("  clientPort: 2379", "  archive: downloads/etcd.tar.gz\n  clientPort: 2379")], At = "  archive: downloads/etcd.tar.gz",
            Field = "etcd.archive", Says = ["'downloads/etcd.tar.gz' does not exist"], Do = "point it at a downloaded etcd release archive",
        },
        new("download URL of another scheme")
        {
            Edits = [("http://127.0.2.1:9/releases", "ftp://127.0.2.1/releases")], At = "  downloadUrl: ftp://127.0.2.1/releases",
            Field = "etcd.downloadUrl", Says = ["'ftp://127.0.2.1/releases'"], Do = "is not an http(s) or file URL",
        },
        new("relative data dir")
        {
            Edits = [("  clientPort: 2379", "  dataDir: var/lib/etcd\n  clientPort: 2379")], At = "  dataDir: var/lib/etcd",
            Field = "etcd.dataDir", Says = ["'var/lib/etcd'"], Do = "must be an absolute path",
        },
        new("election timeout too short for the heartbeat")
        {
            Edits = [("  clientPort: 2379", "  heartbeatIntervalMs: 500\n  clientPort: 2379")], At = "etcd:\n", Field = "etcd.electionTimeoutMs",
            Says = ["1000 is less than 5 times etcd.heartbeatIntervalMs (500), which etcd refuses at start-up"], Do = "raise it to at least 2500",
        },

        // extraFlags: what the description alone decides (the obtained etcd's answers: ExtraFlagsCorpusTests)
        new("extraFlags: a listen URL etcd-forge sets")
        {
            Edits = [("  clientPort: 2379", "  extraFlags:\n    listen-client-urls: https://0.0.0.0:2379\n  clientPort: 2379")],
            At = "    listen-client-urls: https://0.0.0.0:2379", Field = "etcd.extraFlags.listen-client-urls",
            Says = ["etcd-forge sets the listen and advertise URLs"], Do = "set nodes[].address, etcd.clientPort and etcd.peerPort instead",
        },
        new("extraFlags: a flag set from a description field")
        {
            Edits = [("  clientPort: 2379", "  extraFlags: { heartbeat-interval: 250 }\n  clientPort: 2379")],
            At = "  extraFlags: { heartbeat-interval: 250 }", Field = "etcd.extraFlags.heartbeat-interval",
            Says = ["etcd-forge sets it from etcd.heartbeatIntervalMs"], Do = "set that field instead",
        },
        new("extraFlags: a node's TLS file")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    extraFlags:\n      peer-cert-file: /etc/ssl/mine.pem")], At = "      peer-cert-file: /etc/ssl/mine.pem",
            Field = "nodes[2].extraFlags.peer-cert-file", Says = ["etcd-forge writes every TLS setting itself"], Do = "under pki instead",
        },
        new("extraFlags: wal-dir")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    extraFlags: { wal-dir: /ssd/etcd-wal }")], At = "    extraFlags: { wal-dir: /ssd/etcd-wal }",
            Field = "nodes[2].extraFlags.wal-dir", Says = ["keeps the WAL inside etcd.dataDir"], Do = "mount that disk at etcd.dataDir",
        },
        new("extraFlags: a flag written with its dashes")
        {
            Edits = [("  clientPort: 2379", "  extraFlags:\n    --log-level: debug\n  clientPort: 2379")], At = "    --log-level: debug",
            Field = "etcd.extraFlags.--log-level", Says = ["'--log-level'"], Do = "write the flag without its leading dashes: log-level",
        },
        new("extraFlags: a list instead of a mapping")
        {
            Edits = [("  clientPort: 2379", "  extraFlags: [log-level, debug]\n  clientPort: 2379")], At = "  extraFlags: [log-level, debug]",
            Field = "etcd.extraFlags", Says = ["expected a mapping of names to values"], Do = "name: value per line",
        },
        new("extraFlags: a list as a value")
        {
            Edits = [("  clientPort: 2379", "  extraFlags:\n    cors: [a.example, b.example]\n  clientPort: 2379")], At = "    cors: [a.example, b.example]",
            Field = "etcd.extraFlags.cors", Says = ["expected a single value"], Do = "not a list or mapping",
        },
        new("extraFlags: revision compaction of an hour")
        {
            Edits = [("  clientPort: 2379", "  autoCompactionRetention: 1h\n  extraFlags: { auto-compaction-mode: revision }\n  clientPort: 2379")],
            At = "  extraFlags: { auto-compaction-mode: revision }", Field = "etcd.extraFlags.auto-compaction-mode",
            Says = ["revision keeps a number of revisions, but etcd.autoCompactionRetention is '1h'"], Do = "or use periodic",
        },

        // no churn by description: durations that contradict each other, refused with both values
        new("renewBefore not shorter than the certificate validity")
        {
            Edits = [("  renewBefore: 720h", "  renewBefore: 9000h")], At = "  renewBefore: 9000h", Field = "pki.renewBefore",
            Says = ["9000h is not shorter than pki.certValidity (8760h): every run would reissue every leaf certificate"],
            Do = "renew at will with --target=RenewCerts --force",
        },
        new("certificate validity longer than the CA's")
        {
            Edits = [("    commonName: badinput CA", "    commonName: badinput CA\n    validity: 4380h")], At = "  certValidity: 8760h", Field = "pki.certValidity",
            Says = ["8760h is longer than pki.ca.validity (4380h): a certificate is trusted only while its CA is"], Do = "or the CA's validity longer",
        },

        // certificates
        new("bad duration")
        {
            Edits = [("  certValidity: 8760h", "  certValidity: 1 year")], At = "  certValidity: 1 year", Field = "pki.certValidity",
            Says = ["'1 year' is not a duration"], Do = "like 8760h or 365d",
        },
        new("unknown key algorithm")
        {
            Edits = [("  keyAlgorithm: ecdsa-p256", "  keyAlgorithm: dsa-1024")], At = "  keyAlgorithm: dsa-1024", Field = "pki.keyAlgorithm",
            Says = ["'dsa-1024'"], Do = "is not one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-4096",
        },
        new("bad cfssl json")
        {
            Beside = [("ca-csr.json", "{ \"CN\": \"badinput CA\",\n  \"key\": { \"algo\": \"ecdsa\", \"size\": 256 \n"),
                      ("ca-config.json", "{ \"signing\": { \"default\": { \"expiry\": \"8760h\" } } }\n")],
            InFile = "ca-csr.json", Line = 3, Says = ["not valid JSON"], Do = "fix it or remove the cfssl files",
        },
        new("cfssl files not in pairs")
        {
            Beside = [("ca-csr.json", "{ \"CN\": \"badinput CA\", \"key\": { \"algo\": \"ecdsa\", \"size\": 256 } }\n")],
            InFile = "ca-config.json", Line = 1, Says = ["cfssl files come in pairs"], Do = "add ca-config.json or remove its partner",
        },
        new("cfssl server profile without client auth")
        {
            Beside = [("ca-csr.json", "{ \"CN\": \"badinput CA\", \"key\": { \"algo\": \"ecdsa\", \"size\": 256 } }\n"),
                      ("ca-config.json", "{ \"signing\": { \"profiles\": { \"server\": { \"expiry\": \"8760h\", \"usages\": [\"signing\", \"server auth\"] } } } }\n")],
            InFile = "ca-config.json", Line = 1, Field = "ca-config.json signing.profiles.server.usages", Says = ["must include \"client auth\""],
            Do = "client auth",
        },

        // addresses and names read strictly: nothing may be turned into another address
        new("IPv4 address with a leading zero")
        {
            Edits = [(Etcd3Address, "    address: 127.0.2.013")], At = "    address: 127.0.2.013", Field = "nodes[2].address",
            Says = ["'127.0.2.013' is not an IPv4 or IPv6 address written in full"], Do = "without leading zeros",
        },
        new("IPv6 address with a zone")
        {
            Edits = [(Etcd3Address, "    address: fe80::1%lo")], At = "    address: fe80::1%lo", Field = "nodes[2].address",
            Says = ["'fe80::1%lo' is not an IPv4 or IPv6 address"], Do = "drop the IPv6 zone",
        },
        new("IPv6 address not in its canonical form")
        {
            Edits = [(Etcd3Address, "    address: \"FD00:0:0::13\"")], At = "    address: \"FD00:0:0::13\"", Field = "nodes[2].address",
            Says = ["'FD00:0:0::13' is not an IPv4 or IPv6 address"], Do = "write it as fd00::13",
        },
        new("unspecified member address")
        {
            Edits = [(Etcd3Address, "    address: 0.0.0.0")], At = "    address: 0.0.0.0", Field = "nodes[2].address",
            Says = ["0.0.0.0 is the unspecified address"], Do = "give the address this member is reached at",
        },
        new("unspecified IPv6 member address")
        {
            Edits = [(Etcd3Address, "    address: \"::\"")], At = "    address: \"::\"", Field = "nodes[2].address",
            Says = [":: is the unspecified address"], Do = "give the address this member is reached at",
        },
        new("multicast member address")
        {
            Edits = [(Etcd3Address, "    address: 239.1.2.3")], At = "    address: 239.1.2.3", Field = "nodes[2].address",
            Says = ["239.1.2.3 is a multicast address"], Do = "give the address this member is reached at",
        },
        new("broadcast member address")
        {
            Edits = [(Etcd3Address, "    address: 255.255.255.255")], At = "    address: 255.255.255.255", Field = "nodes[2].address",
            Says = ["255.255.255.255 is the broadcast address"], Do = "give the address this member is reached at",
        },
        new("host name that is a short IP address")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    hostnames: [\"10.1\"]")], At = "    hostnames: [\"10.1\"]", Field = "nodes[2].hostnames[0]",
            Says = ["'10.1' looks like an IP address"], Do = "write the address as a.b.c.d",
        },
        new("host name of 299 characters")
        {
            Edits = [(Etcd3Address, Etcd3Address + $"\n    hostnames: [{LongName(299)}]")], At = $"    hostnames: [{LongName(299)}]",
            Field = "nodes[2].hostnames[0]", Says = ["is 299 characters long"], Do = "a DNS name has at most 253",
        },
        new("host name label of 64 characters")
        {
            Edits = [(Etcd3Address, Etcd3Address + $"\n    hostnames: [{new string('a', 64)}.local]")], At = $"    hostnames: [{new string('a', 64)}.local]",
            Field = "nodes[2].hostnames[0]", Says = ["is not a DNS name"], Do = "labels of at most 63 characters",
        },
        new("extra SAN that is a short IP address")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    extraSans: [\"192.168.1\"]")], At = "    extraSans: [\"192.168.1\"]", Field = "nodes[2].extraSans[0]",
            Says = ["'192.168.1' is not an IP address written in full"], Do = "four numbers 0-255",
        },
        new("extra SAN with an IPv6 zone")
        {
            Edits = [(Etcd3Address, Etcd3Address + "\n    extraSans: [\"fe80::1%lo\"]")], At = "    extraSans: [\"fe80::1%lo\"]", Field = "nodes[2].extraSans[0]",
            Says = ["'fe80::1%lo' is not an IP address written in full"], Do = "drop the IPv6 zone",
        },

        // nesting, ranges and lengths
        new("100,000 nested lists")
        {
            Whole = "cluster: " + new string('[', 100_000) + "\n", Line = 1,
            Says = ["nested more than 20 deep"], Do = "see config/cluster.yaml",
        },
        new("100,000 nested list items")
        {
            Whole = "cluster:\n" + string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n", Line = 2,
            Says = ["nested more than 20 deep"], Do = "see config/cluster.yaml",
        },
        new("validity that overflows")
        {
            Edits = [("  certValidity: 8760h", "  certValidity: 99999999999999999999999h")], At = "  certValidity: 99999999999999999999999h",
            Field = "pki.certValidity", Says = ["is longer than 876000h (100 years)"], Do = "use a shorter duration",
        },
        new("CA validity past the year 9999")
        {
            Edits = [("    commonName: badinput CA", "    commonName: badinput CA\n    validity: 100000000h")], At = "    validity: 100000000h",
            Field = "pki.ca.validity", Says = ["'100000000h' is longer than 876000h"], Do = "use a shorter duration",
        },
        new("renewBefore that overflows")
        {
            Edits = [("  renewBefore: 720h", "  renewBefore: 9999999999999999d")], At = "  renewBefore: 9999999999999999d",
            Field = "pki.renewBefore", Says = ["is longer than 876000h"], Do = "use a shorter duration",
        },
        new("election timeout etcd refuses")
        {
            Edits = [("  peerPort: 2380", "  peerPort: 2380\n  electionTimeoutMs: 2000000000\n  heartbeatIntervalMs: 1000000000")],
            At = "  electionTimeoutMs: 2000000000", Field = "etcd.electionTimeoutMs", Says = ["2000000000 is more than etcd accepts (50000)"], Do = "50000",
        },
        new("auto compaction retention that is not a duration")
        {
            Edits = [("  peerPort: 2380", "  peerPort: 2380\n  autoCompactionRetention: forever")], At = "  autoCompactionRetention: forever",
            Field = "etcd.autoCompactionRetention", Says = ["'forever' is not a number of hours or a duration"], Do = "0 turns compaction off",
        },
        new("node name too long for a certificate")
        {
            Edits = [("  - name: etcd3", $"  - name: {new string('n', 300)}")], At = $"  - name: {new string('n', 300)}", Field = "nodes[2].name",
            Says = ["is 300 characters long"], Do = "use at most 64",
        },
        new("client common name too long for a certificate")
        {
            Edits = [("      commonName: root", $"      commonName: {new string('r', 65)}")], At = $"      commonName: {new string('r', 65)}",
            Field = "pki.clients[0].commonName", Says = ["is 65 characters long"], Do = "a certificate allows at most 64",
        },
        new("CA country of three letters")
        {
            Edits = [("    commonName: badinput CA", "    commonName: badinput CA\n    country: DEU")], At = "    country: DEU",
            Field = "pki.ca.country", Says = ["is 3 characters long"], Do = "a certificate allows at most 2",
        },
        new("cluster name reserved for the shared cache")
        {
            Edits = [("  name: badinput", "  name: cache")], At = "  name: cache", Field = "cluster.name",
            Says = ["'cache' is reserved"], Do = "choose another name",
        },
        new("etcd archive that is a directory")
        {
            DirsBeside = ["downloads/etcd.tar.gz"],
            Edits = [("  clientPort: 2379", "  archive: downloads/etcd.tar.gz\n  clientPort: 2379")], At = "  archive: downloads/etcd.tar.gz",
            Field = "etcd.archive", Says = ["'downloads/etcd.tar.gz' is a directory"], Do = "point it at the etcd release archive (.tar.gz) itself",
        },

        // cfssl values: found at validation and blamed on their own file and line
        new("cfssl CA without a common name")
        {
            Beside = [("ca-csr.json", "{\n  \"CN\": \"\",\n  \"key\": { \"algo\": \"ecdsa\", \"size\": 256 }\n}\n"), ("ca-config.json", CfsslConfig)],
            InFile = "ca-csr.json", Line = 2, Field = "ca-csr.json CN", Says = ["the CA needs a common name"], Do = "common name",
        },
        new("cfssl key size as text")
        {
            Beside = [("ca-csr.json", "{\n  \"CN\": \"badinput CA\",\n  \"key\": { \"algo\": \"ecdsa\", \"size\": \"256\" }\n}\n"), ("ca-config.json", CfsslConfig)],
            InFile = "ca-csr.json", Line = 3, Field = "ca-csr.json key.size", Says = ["is a text value in quotes"], Do = "it needs a number",
        },
        new("cfssl names as text")
        {
            Beside = [("ca-csr.json", "{\n  \"CN\": \"badinput CA\",\n  \"names\": \"Example\"\n}\n"), ("ca-config.json", CfsslConfig)],
            InFile = "ca-csr.json", Line = 3, Field = "ca-csr.json names", Says = ["is a text value in quotes"], Do = "it needs a list [ ]",
        },
        new("cfssl CA expiry that is not a duration")
        {
            Beside = [("ca-csr.json", "{\n  \"CN\": \"badinput CA\",\n  \"ca\": { \"expiry\": \"5 years\" }\n}\n"), ("ca-config.json", CfsslConfig)],
            InFile = "ca-csr.json", Line = 3, Field = "ca-csr.json ca.expiry", Says = ["'5 years' is not a duration"], Do = "like 8760h",
        },
        new("cfssl unknown usage")
        {
            Beside = [("ca-csr.json", CfsslCsr), ("ca-config.json",
                "{ \"signing\": { \"profiles\": { \"server\": {\n  \"usages\": [\"signing\",\n    \"server-auth\", \"client auth\"] } } } }\n")],
            InFile = "ca-config.json", Line = 3, Field = "ca-config.json signing.profiles.server.usages[1]", Says = ["\"server-auth\" is not a usage"],
            Do = "\"server auth\"",
        },
        new("cfssl usages as text")
        {
            Beside = [("ca-csr.json", CfsslCsr), ("ca-config.json", "{ \"signing\": {\n  \"default\": { \"usages\": \"signing\" } } }\n")],
            InFile = "ca-config.json", Line = 2, Field = "ca-config.json signing.default.usages", Says = ["is a text value in quotes"], Do = "it needs a list [ ]",
        },
        new("cfssl expiry as a number")
        {
            Beside = [("ca-csr.json", CfsslCsr), ("ca-config.json", "{ \"signing\": {\n  \"default\": {\n    \"expiry\": 8760 } } }\n")],
            InFile = "ca-config.json", Line = 3, Field = "ca-config.json signing.default.expiry", Says = ["is a number"], Do = "it needs a text value in quotes",
        },
        new("cfssl config that is a list")
        {
            Beside = [("ca-csr.json", CfsslCsr), ("ca-config.json", "[1]\n")],
            InFile = "ca-config.json", Line = 1, Says = ["holds a list [ ], not a JSON object"], Do = "see cfssl's ca-config.json format",
        },
        new("ca-csr.json that is a directory")
        {
            DirsBeside = ["ca-csr.json"], Beside = [("ca-config.json", CfsslConfig)],
            InFile = "ca-csr.json", Line = 1, Says = ["is a directory"], Do = "put cfssl's JSON file here, or remove it",
        },

        // names that would write another owner's file, every pair of kinds (node, client, CA, peer, key, bundle)
        Clash("node named like the CA certificate", Node3("etcd-root-ca"), "nodes[2].name",
            "'etcd-root-ca' would write pki/etcd-root-ca.pem, which is the CA's certificate", "choose another name"),
        Clash("node named like the CA key", Node3("etcd-root-ca-key"), "nodes[2].name",
            "'etcd-root-ca-key' would write pki/etcd-root-ca-key.pem, which is the CA's private key", "choose another name"),
        Clash("client named like the CA certificate", Client("etcd-root-ca"), "pki.clients[0].name",
            "'etcd-root-ca' would write pki/etcd-root-ca.pem, which is the CA's certificate", "choose another name"),
        Clash("client named like the CA key", Client("etcd-root-ca-key"), "pki.clients[0].name",
            "'etcd-root-ca-key' would write pki/etcd-root-ca-key.pem, which is the CA's private key", "choose another name"),
        Clash("node named like another node's peer certificate", Node3("etcd1-peer"), "nodes[2].name",
            "'etcd1-peer' would write pki/etcd1-peer.pem, which is node 'etcd1''s peer certificate", "rename one of them"),
        Clash("node named like another node's key", Node3("etcd1-key"), "nodes[2].name",
            "'etcd1-key' would write pki/etcd1-key.pem, which is node 'etcd1''s server key", "rename one of them"),
        Clash("node named like another node's peer key", Node3("etcd1-peer-key"), "nodes[2].name",
            "'etcd1-peer-key' would write pki/etcd1-peer-key.pem, which is node 'etcd1''s peer key", "rename one of them"),
        Clash("node named like another node but for case", Node3("ETCD1"), "nodes[2].name",
            "'ETCD1' would write pki/ETCD1.pem, which is node 'etcd1''s server certificate", "rename one of them"),
        Clash("client named like a node", Client("etcd1"), "pki.clients[0].name",
            "'etcd1' would write pki/etcd1.pem, which is node 'etcd1''s server certificate", "rename one of them"),
        Clash("client named like a node's peer certificate", Client("etcd2-peer"), "pki.clients[0].name",
            "'etcd2-peer' would write pki/etcd2-peer.pem, which is node 'etcd2''s peer certificate", "rename one of them"),
        Clash("client named like a node's key", Client("etcd2-key"), "pki.clients[0].name",
            "'etcd2-key' would write pki/etcd2-key.pem, which is node 'etcd2''s server key", "rename one of them"),
        Clash("client named like a node's peer key", Client("etcd3-peer-key"), "pki.clients[0].name",
            "'etcd3-peer-key' would write pki/etcd3-peer-key.pem, which is node 'etcd3''s peer key", "rename one of them"),
        Clash("client named like another client's key", ("      commonName: root", "      commonName: root\n    - name: client-key\n      commonName: other"),
            "pki.clients[1].name", "'client-key' would write pki/client-key.pem, which is client 'client''s key", "rename one of them",
            at: "    - name: client-key"),
        Clash("node named like a client's key", Node3("client-key"), "pki.clients[0].name",
            "'client' would write pki/client-key.pem, which is node 'client-key''s server certificate", "rename one of them",
            at: "    - name: client"),
        Clash("node named like the client bundle", Node3("client"), "nodes[2].name",
            "'client' would write bundles/client.tar.gz, which is the client bundle's file", "choose another name"),

        // the command line
        new("unknown --target")
        {
            Args = ["--target=Deploy"], Says = ["The target 'Deploy' was not found"], Do = "targets: Backup, BootstrapCluster, Certificates, Default, DeployNodes",
        },
        new("missing --config file")
        {
            Args = ["--config={dir}/no-such-cluster.yaml", "--target=Package"], Says = ["{dir}/no-such-cluster.yaml: cluster description not found"],
            Do = "pass --config=FILE",
        },
        new("--config naming a directory")
        {
            Args = ["--config={dir}", "--target=Package"], Says = ["{dir} is a directory"], Do = "pass --config=FILE with the cluster description file",
        },
        new("--target without a value") { Args = ["--target"], Says = ["--target needs a value"], Do = "e.g. --target=Default" },
        new("--bootstrap-timeout that is not a number")
        {
            Args = ["--target=Package", "--bootstrap-timeout=2min"], Says = ["--bootstrap-timeout=2min is not a number of seconds"],
            Do = "e.g. --bootstrap-timeout=120",
        },
        new("--artifacts naming a file")
        {
            Args = ["--target=Package", "--artifacts={dir}/cluster.yaml"], Says = ["--artifacts={dir}/cluster.yaml is a file"],
            Do = "pass a directory",
        },
        new("--artifacts below a file")
        {
            Args = ["--target=Package", "--artifacts={dir}/cluster.yaml/out"], Says = ["--artifacts={dir}/cluster.yaml/out: {dir}/cluster.yaml is a file, not a directory"],
            Do = "pass a directory",
        },
        new("--task-report naming a directory")
        {
            Args = ["--target=Package", "--task-report={dir}"], Says = ["--task-report={dir} is a directory"], Do = "pass a file to write, e.g. --task-report=",
        },
        new("misspelt option: --confg")
        {
            // Without the check this built the default sandbox with a new CA and exited 0.
            Args = ["--confg={dir}/cluster.yaml", "--target=Package"], Says = ["--confg={dir}/cluster.yaml is not an option"],
            Do = "(did you mean --config?)",
        },
        new("misspelt Cake option: --tagret")
        {
            Args = ["--tagret=Package"], Says = ["--tagret=Package is not an option"], Do = "(did you mean --target?)",
        },
        // --force is an option (RenewCerts); a switch nobody knows is still refused.
        new("unknown switch: --overwrite")
        {
            Args = ["--target=Package", "--overwrite"], Says = ["--overwrite is not an option"], Do = "options: --target",
        },
        new("empty --config") { Args = ["--config=", "--target=Package"], Says = ["--config needs a value"], Do = "e.g. --config=config/cluster.yaml" },
        new("empty --artifacts") { Args = ["--artifacts=", "--target=Package"], Says = ["--artifacts needs a value"], Do = "e.g. --artifacts=artifacts" },
        new("--artifacts without a value")
        {
            Args = ["--target=Package", "--artifacts"], Says = ["--artifacts needs a value"], Do = "e.g. --artifacts=artifacts",
        },
        new("empty --bootstrap-timeout")
        {
            Args = ["--target=Package", "--bootstrap-timeout="], Says = ["--bootstrap-timeout needs a value"], Do = "e.g. --bootstrap-timeout=",
        },
        new("--config given twice")
        {
            Args = ["--config={dir}/cluster.yaml", "--config={dir}/other.yaml", "--target=Package"],
            Says = ["--config is given 2 times with different values"], Do = "pass it once",
        },
        new("a value on a switch")
        {
            Args = ["--target=Destroy", "--yes=maybe"], Says = ["--yes=maybe: --yes is a switch"], Do = "write --yes (or --yes=false)",
        },
        new("a word without an option")
        {
            // ./build.sh Verify would otherwise build Default.
            Args = ["Verify"], Says = ["unexpected argument 'Verify'"], Do = "e.g. --target=Verify",
        },
        new("a value separated by a space")
        {
            Args = ["--target=Package", "--config", "{dir}/cluster.yaml"], Says = ["unexpected argument '{dir}/cluster.yaml' after --config"],
            Do = "values are written --config=",
        },
        new("Restore without --snapshot")
        {
            Args = ["--target=Restore", "--yes"], Says = ["Restore needs --snapshot=FILE"], Do = "one of the backups under",
        },
        new("--snapshot without a value")
        {
            Args = ["--target=Restore", "--snapshot", "--yes"], Says = ["--snapshot needs a value"], Do = "e.g. --snapshot=artifacts/<cluster>/backups/",
        },
        new("--snapshot of a file that is not a backup")
        {
            Args = ["--target=Restore", "--snapshot={dir}/cluster.yaml", "--yes"], Says = ["cluster.yaml has no cluster.json beside it"],
            Do = "Restore takes snapshots made by --target=Backup",
        },
        new("--snapshot of a file that does not exist")
        {
            Args = ["--target=Restore", "--snapshot={dir}/gone.db", "--yes"], Says = ["gone.db: no such file"], Do = "pick one under",
        },
        new("backup.keep below one")
        {
            Edits = [("nodes:", "backup:\n  keep: 0\nnodes:")], At = "  keep: 0", Field = "backup.keep",
            Says = ["0 would keep no backup"], Do = "e.g. keep: 7",
        },
        new("Destroy without --yes")
        {
            Args = ["--target=Destroy"], Says = ["Destroy deletes cluster 'badinput' and its data on 3 node(s)"], Do = "add --yes to confirm",
        },
    ];

    private static (string, string) Node3(string name) => ("  - name: etcd3", $"  - name: {name}");
    private static (string, string) Client(string name) => ("    - name: client", $"    - name: {name}");

    private static BrokenDescription Clash(string name, (string Find, string Replace) edit, string field, string says, string @do, string? at = null) =>
        new(name) { Edits = [edit], At = at ?? edit.Replace, Field = field, Says = [says], Do = @do };

    private const string CfsslCsr = "{ \"CN\": \"badinput CA\", \"key\": { \"algo\": \"ecdsa\", \"size\": 256 } }\n";
    private const string CfsslConfig = "{ \"signing\": { \"default\": { \"expiry\": \"8760h\" } } }\n";

    // A DNS name of that many characters, in labels of 60.
    private static string LongName(int length) =>
        string.Join('.', Enumerable.Range(0, length / 61 + 1).Select(_ => new string('a', 60)))[..length].TrimEnd('.');

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    private readonly TempDir _scratch = new();
    private string Artifacts => _scratch.Combine("artifacts");

    // Without this the corpus could pass on descriptions that fail for some other reason.
    [Fact]
    public void The_base_description_is_valid()
    {
        var (config, _) = Write(new BrokenDescription("base") { Do = "" });

        var run = ForgeProcess.Run($"--config={config}", "--dryrun", $"--artifacts={Artifacts}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.ErrorLines);
        Assert.Empty(DirSnapshot.Of(Artifacts).Files);
    }

    // etcd runs with an even count, so it is not refused: a warning on stdout naming the line, and the run goes on.
    [Fact]
    public void Even_member_count_is_a_one_line_warning_not_an_error()
    {
        var text = BrokenDescription.Base[..BrokenDescription.Base.IndexOf("  - name: etcd3", StringComparison.Ordinal)];
        var config = _scratch.File("cluster.yaml", text);
        _scratch.File("keys/id_ed25519", "placeholder\n");

        var run = ForgeProcess.Run($"--config={config}", "--dryrun", $"--artifacts={Artifacts}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.ErrorLines);
        var warning = Assert.Single(run.Lines, l => l.Contains("warning:", StringComparison.Ordinal));
        Assert.StartsWith($"{config}:{LineOf(text, "nodes:")}: warning: nodes: 2 members", warning);
        Assert.Contains("an odd count is recommended", warning);
        Assert.Empty(DirSnapshot.Of(Artifacts).Files);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Broken_input_gives_one_line_naming_where_what_and_what_to_do(string name)
    {
        var broken = Cases.Single(c => c.Name == name);
        var (config, before) = Write(broken);
        var args = (broken.Args ?? ["--target=Package"]).Select(a => a.Replace("{dir}", _scratch.Path)).ToList();
        if (!args.Any(a => a.StartsWith("--config", StringComparison.Ordinal))) args.Add($"--config={config}");
        if (!args.Any(a => a.StartsWith("--artifacts", StringComparison.Ordinal))) args.Add($"--artifacts={Artifacts}");

        var run = new ForgeProcess { Launcher = broken.UnreadableKey ? UnprivilegedReader.Launcher : [] }.Start([.. args]);

        var error = ErrorContract.OneLine(run);
        if (Where(broken, config) is { } where) Assert.True(error.StartsWith(where, StringComparison.Ordinal), $"the error should start with '{where}':\n{run}");
        ErrorContract.Says(error, run, [.. broken.Says.Select(s => s.Replace("{dir}", _scratch.Path)), broken.Do]);
        // Nothing written: not under artifacts, not next to the description.
        Assert.Empty(DirSnapshot.Of(Artifacts).Files);
        File.SetUnixFileMode(_scratch.Combine("keys", "id_ed25519"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Empty(before.Differences(DirSnapshot.Of(_scratch.Path)));
    }

    // "<file>:<line>: <field>: " for description problems; null for command-line mistakes.
    private string? Where(BrokenDescription broken, string config)
    {
        if (broken.Args is not null) return null;
        var file = broken.InFile is null ? config : _scratch.Combine(broken.InFile);
        var line = broken.Line ?? LineOf(File.ReadAllText(config), broken.At ?? throw new InvalidOperationException($"case {broken.Name} names no line"));
        return $"{file}:{line}: " + (broken.Field is null ? "" : broken.Field + ": ");
    }

    // The last match: a duplicate is reported where it appears the second time.
    private static int LineOf(string text, string at)
    {
        var index = text.LastIndexOf(at, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{at}' is not in the description");
        return text[..index].Count(c => c == '\n') + 1;
    }

    // The description and its neighbours, and a snapshot of them taken before the key is made unreadable.
    private (string Config, DirSnapshot Before) Write(BrokenDescription broken)
    {
        var key = _scratch.File("keys/id_ed25519", "only existence and readability are checked before a task runs\n");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        foreach (var (name, content) in broken.Beside) _scratch.File(name, content);
        foreach (var dir in broken.DirsBeside) Directory.CreateDirectory(_scratch.Combine(dir));
        var config = _scratch.File("cluster.yaml", broken.Text());
        var before = DirSnapshot.Of(_scratch.Path);
        if (broken.UnreadableKey) File.SetUnixFileMode(key, UnixFileMode.None);
        return (config, before);
    }

    public void Dispose() => _scratch.Dispose();
}
