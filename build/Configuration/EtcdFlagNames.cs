using System.Text.RegularExpressions;

namespace EtcdForge.Configuration;

// Which etcd flag names extraFlags may set, decided from the name alone, at load, before anything is obtained
// or written. Refused: the flags etcd-forge writes into etcd.conf.yml itself (from a description field, which the
// message names, or because its targets rely on them), and the few that etcd cannot read from a config file at all.
// Whether the obtained etcd knows a name, and what type its value takes, is EtcdFlags.CheckedExtraFlags' question.
// Every key EtcdConfigFile writes is refused here (a test holds it to that) except auto-compaction-mode, which
// etcd-forge only defaults to periodic.
public static partial class EtcdFlagNames
{
    // Message: why etcd-forge refuses the flag and what to do instead (the description field to set, where one exists).
    private sealed record Rule(string[] Names, string Message, bool Prefix = false);

    private const string Tls = "etcd-forge writes every TLS setting itself (certificates of its own CA, client certificates " +
        "required on both ports, TLS 1.2 or later with AEAD suites); set the certificates up under pki instead";

    private static readonly Rule[] Rules =
    [
        new(["name"], "etcd-forge names each member after its node; set nodes[].name instead"),
        new(["data-dir"], "etcd-forge creates, backs up, restores and removes the data dir; set etcd.dataDir instead"),
        new(["wal-dir"], "etcd-forge keeps the WAL inside etcd.dataDir (member/wal), where Backup, Restore, ReplaceMember " +
            "and Destroy handle it; to put etcd's data on another disk, mount that disk at etcd.dataDir"),
        new(["initial-cluster", "initial-cluster-state", "initial-advertise-peer-urls"],
            "etcd-forge bootstraps the members and changes the membership from nodes[]; remove it"),
        new(["initial-cluster-token"], "etcd-forge sets the cluster token; set cluster.token instead"),
        new(["listen-client-urls", "listen-peer-urls", "listen-client-http-urls", "advertise-client-urls"],
            "etcd-forge sets the listen and advertise URLs (TLS on every port) from the node's address and the cluster's ports; " +
            "set nodes[].address, etcd.clientPort and etcd.peerPort instead"),
        new(["discovery"], "etcd-forge bootstraps the members from nodes[] (initial-cluster), which discovery would replace; remove it", Prefix: true),
        new(["cert-file", "key-file", "trusted-ca-file", "client-cert-auth", "client-crl-file", "client-cert-allowed-hostname",
             "client-cert-file", "client-key-file", "auto-tls", "self-signed-cert-validity", "experimental-peer-skip-client-san-verification",
             "cipher-suites", "client-transport-security"], Tls),
        new(["peer-", "tls-"], Tls, Prefix: true),
        new(["config-file"], "etcd-forge starts etcd with the etcd.conf.yml it writes, which these flags go into; remove it"),
        new(["logger", "log-outputs", "log-output", "enable-log-rotation", "log-rotation-config-json"],
            "etcd-forge has etcd write JSON log lines to stderr, where its targets read a member's log; remove it (log-level is yours to set)"),
        new(["heartbeat-interval"], "etcd-forge sets it from etcd.heartbeatIntervalMs; set that field instead"),
        new(["election-timeout"], "etcd-forge sets it from etcd.electionTimeoutMs; set that field instead"),
        new(["snapshot-count"], "etcd-forge sets it from etcd.snapshotCount; set that field instead"),
        new(["quota-backend-bytes"], "etcd-forge sets it from etcd.quotaBackendBytes; set that field instead"),
        new(["auto-compaction-retention"], "etcd-forge sets it from etcd.autoCompactionRetention; set that field instead"),
        new(["enable-v2"], "etcd-forge keeps etcd's v2 API off (etcd 3.6 removed it); remove it"),
        new(["enable-grpc-gateway"], "etcd-forge turns etcd's HTTP/JSON gateway on, which SingleNodeTest checks; remove it"),
        new(["force-new-cluster"], "a one-shot recovery switch: left in etcd.conf.yml it would throw the membership away at every restart; " +
            "recover with --target=Restore instead"),
        new(["proxy"], "etcd-forge runs every node as a member of the cluster, not as a v2 proxy; remove it"),
        new(["raft-read-timeout", "raft-write-timeout"],
            "etcd reads it only from its command line, which it ignores when it starts from a config file, as etcd-forge starts it; remove it"),
        new(["socket-reuse-port", "socket-reuse-address"],
            "etcd's config file nests it under socket-options, which extraFlags (top-level keys only) cannot write; remove it"),
    ];

    /// <returns>why extraFlags may not set this name and what to do instead; null when it may (if etcd knows it).</returns>
    public static string? Refusal(string name) =>
        !FlagName().IsMatch(name) ? SpellingProblem(name)
        : Rules.FirstOrDefault(r => r.Names.Any(n => r.Prefix ? name.StartsWith(n, StringComparison.Ordinal) : name == n))?.Message;

    private static string SpellingProblem(string name)
    {
        var trimmed = name.TrimStart('-');
        if (trimmed.Length < name.Length && FlagName().IsMatch(trimmed)) return $"'{name}': write the flag without its leading dashes: {trimmed}";
        var kebab = string.Join('-', Words().Matches(trimmed).Select(m => m.Value.ToLowerInvariant()));
        return FlagName().IsMatch(kebab) && kebab != name
            ? $"'{name}' is not an etcd flag name: etcd spells its flags in lower case with dashes, e.g. {kebab}"
            : $"'{name}' is not an etcd flag name: write it as etcd --help lists it, in lower case with dashes (e.g. log-level)";
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex FlagName();

    // camelCase, snake_case and dotted words: "logLevel" -> log, Level; "max_request_bytes" -> max, request, bytes.
    [GeneratedRegex("[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")]
    private static partial Regex Words();
}
