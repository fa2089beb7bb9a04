using EtcdForge.Configuration;
using EtcdForge.Docker;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

// How etcd is started and stopped on a node: by systemd, as a detached process with a pid file (the sandbox,
// hosts without systemd), or in a container on the node's Docker engine.
public abstract class EtcdService(INodeShell shell, NodePaths paths)
{
    protected INodeShell Shell { get; } = shell;

    public string NodeName => Shell.NodeName;
    protected NodePaths Paths { get; } = paths;

    /// <summary>What a run needs to know to decide about a member; read in one command.</summary>
    public sealed record MemberState(bool Running, bool HasData, string? StartedFingerprint);

    /// <param name="container">Where <paramref name="node"/> runs etcd in a container; required for docker nodes.</param>
    public static EtcdService For(Node node, INodeShell shell, NodePaths paths, MemberContainer? container = null) => node.Service switch
    {
        ServiceKind.Systemd => new SystemdService(shell, paths),
        ServiceKind.Docker => new DockerService(shell, paths, container ?? throw new InvalidOperationException($"{node.Name} runs in a container: pass its MemberContainer"),
            MemberContainer.EngineOf(node, shell, paths)),
        _ => new ProcessService(shell, paths, node.InstallsAsSystem),
    };

    /// <summary>Starts etcd. <paramref name="fingerprint"/>, when given, is recorded with the start (it only
    /// counts while etcd runs, so a start that fails leaves nothing misleading). <paramref name="joinCluster"/>,
    /// when given, is the member list of a running cluster this member joins.</summary>
    public abstract Task StartAsync(CancellationToken ct, string? fingerprint = null, string? joinCluster = null);
    public abstract Task StopAsync(CancellationToken ct);
    public abstract Task<string> RecentLogAsync(int lines, CancellationToken ct);
    public abstract Task<bool> IsRunningAsync(CancellationToken ct);
    public abstract Task<MemberState> StateAsync(CancellationToken ct);

    protected string MemberDir => Path.Combine(Paths.DataDir, "member");

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
