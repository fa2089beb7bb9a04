using EtcdForge.Configuration;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

// How etcd is started and stopped on a node: by systemd, or as a detached process with a pid file
// (the sandbox, containers, hosts without systemd).
public abstract class EtcdService(INodeShell shell, NodePaths paths)
{
    protected INodeShell Shell { get; } = shell;
    protected NodePaths Paths { get; } = paths;

    /// <summary>What a run needs to know to decide about a member; read in one command.</summary>
    public sealed record MemberState(bool Running, bool HasData, string? StartedFingerprint);

    public static EtcdService For(Node node, INodeShell shell, NodePaths paths) =>
        node.Service == ServiceKind.Systemd ? new SystemdService(shell, paths) : new ProcessService(shell, paths, node.InstallsAsSystem);

    /// <summary>A sh condition that holds while etcd runs.</summary>
    protected abstract string AliveTest { get; }

    /// <summary>Starts etcd. <paramref name="fingerprint"/>, when given, is recorded first in the same command
    /// (it only counts while etcd runs, so a start that fails leaves nothing misleading). <paramref name="joinCluster"/>,
    /// when given, is the member list of a running cluster this member joins (see <see cref="JoinConfig"/>).</summary>
    public abstract Task StartAsync(CancellationToken ct, string? fingerprint = null, string? joinCluster = null);
    public abstract Task StopAsync(CancellationToken ct);
    public abstract Task<string> RecentLogAsync(int lines, CancellationToken ct);

    public async Task<bool> IsRunningAsync(CancellationToken ct) => (await Shell.RunAsync(AliveTest, ct)).Succeeded;

    // Every remote command costs a round trip and a login shell, so the three questions go in one. A member has data
    // when its WAL has a segment (etcd's own test): a first start that failed early can leave member/snap/db and an
    // empty member/wal behind, and etcd starts such a member afresh.
    public async Task<MemberState> StateAsync(CancellationToken ct)
    {
        var script = $"""
            if {AliveTest}; then echo running; fi
            if ls {ShellQuote.Arg(Path.Combine(Paths.DataDir, "member", "wal"))}/*.wal >/dev/null 2>&1; then echo data; fi
            if [ -f {ShellQuote.Arg(FingerprintFile)} ]; then printf 'fingerprint %s\n' "$(cat {ShellQuote.Arg(FingerprintFile)})"; fi
            true
            """;
        var lines = (await Shell.RunAsync(script, ct)).EnsureSuccess("reading the etcd member's state").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var fingerprint = lines.FirstOrDefault(l => l.StartsWith("fingerprint ", StringComparison.Ordinal))?["fingerprint ".Length..];
        return new MemberState(lines.Contains("running"), lines.Contains("data"), string.IsNullOrEmpty(fingerprint) ? null : fingerprint);
    }

    // The fingerprint of the files a member was started with; a different one means it must restart to use new files.
    protected string RecordFingerprint(string? fingerprint) => fingerprint is null
        ? ""
        : $"mkdir -p {ShellQuote.Arg(Paths.RunDir)} && printf '%s\\n' {ShellQuote.Arg(fingerprint)} > {ShellQuote.Arg(FingerprintFile)}\n";

    // etcd reads initial-cluster and initial-cluster-state only on a member's first start, and ignores flags and
    // environment once it has a config file. A member joining a running cluster therefore starts once from a copy
    // of the deployed config that says "existing" and lists the members the cluster has now; every later start
    // uses the deployed config, whose bootstrap keys etcd then ignores.
    protected string JoinConfig(string joinCluster) =>
        $"mkdir -p {ShellQuote.Arg(Paths.RunDir)} && sed -e {ShellQuote.Arg($"s|^initial-cluster: .*$|initial-cluster: '{joinCluster}'|")} " +
        $"-e {ShellQuote.Arg("s|^initial-cluster-state: .*$|initial-cluster-state: 'existing'|")} {ShellQuote.Arg(Paths.ConfigFile)} > {ShellQuote.Arg(JoinConfigFile)}\n";

    protected string JoinConfigFile => Path.Combine(Paths.RunDir, "etcd.join.conf.yml");

    private string FingerprintFile => Path.Combine(Paths.RunDir, "etcd.deployed");
}
