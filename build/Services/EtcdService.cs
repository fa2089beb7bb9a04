using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

// How etcd is started and stopped on a node: by systemd, as a detached process with a pid file (the sandbox,
// hosts without systemd), or in a container on the node's Docker engine. EtcdServices hands them out.
public abstract class EtcdService(INodeShell shell, NodePaths paths)
{
    protected INodeShell Shell { get; } = shell;

    public string NodeName => Shell.NodeName;
    protected NodePaths Paths { get; } = paths;

    /// <summary>What a run needs to know to decide about a member; read in one command.</summary>
    public sealed record MemberState(bool Running, bool HasData, string? StartedFingerprint);

    /// <summary>Starts etcd. <paramref name="fingerprint"/>, when given, is recorded with the start (it only
    /// counts while etcd runs, so a start that fails leaves nothing misleading). <paramref name="joinCluster"/>,
    /// when given, is the member list of a running cluster this member joins.</summary>
    public abstract Task StartAsync(CancellationToken ct, string? fingerprint = null, string? joinCluster = null);
    public abstract Task StopAsync(CancellationToken ct);
    public abstract Task<string> RecentLogAsync(int lines, CancellationToken ct);
    public abstract Task<bool> IsRunningAsync(CancellationToken ct);
    public abstract Task<MemberState> StateAsync(CancellationToken ct);

    // A member has data when its WAL has a segment: that is etcd's own test (it rejoins with the data dir it finds
    // only then). A first start that failed early can leave member/snap/db and an empty member/wal behind, and etcd
    // starts such a member afresh, so a member/ directory alone is no evidence. The one rule for every service kind.
    protected string HasDataTest => $"ls {ShellQuote.Arg(Path.Combine(Paths.DataDir, "member", "wal"))}/*.wal >/dev/null 2>&1";

    // etcd reads initial-cluster and initial-cluster-state only on a member's first start, and ignores flags and
    // environment once it has a config file. A member joining a running cluster therefore starts once from a copy
    // of the deployed config that says "existing" and lists the members the cluster has now; on later starts etcd
    // ignores those keys (its data dir holds the member). The copy takes the deployed config's mode and owner
    // first (cp -p), so the etcd user reads it whatever the shell's umask.
    protected string WriteJoinConfig(string joinCluster, string file)
    {
        var config = ShellQuote.Arg(Paths.ConfigFile);
        var join = ShellQuote.Arg(file);
        return $"mkdir -p {ShellQuote.Arg(Path.GetDirectoryName(file)!)} && cp -p {config} {join} && " +
               $"sed -e {ShellQuote.Arg($"s|^initial-cluster: .*$|initial-cluster: '{joinCluster}'|")} " +
               $"-e {ShellQuote.Arg("s|^initial-cluster-state: .*$|initial-cluster-state: 'existing'|")} {config} > {join}\n";
    }

    /// <summary>Where a person finds the member's whole log.</summary>
    public abstract string LogLocation { get; }

    // For a one-line error: why etcd stopped, in etcd's own words without its stack trace, and where the rest is.
    public async Task<string> LastWordsAsync(CancellationToken ct)
    {
        var line = EtcdLogLine.LastMeaningful(await RecentLogAsync(LogLinesRead, ct));
        return (line is null ? "its log is empty" : $"log: {line}") + $" (full log: {LogLocation})";
    }

    // Enough to reach past a Go stack trace (a dozen frames per goroutine) to the line that explains it.
    private const int LogLinesRead = 60;
}
