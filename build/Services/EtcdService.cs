using EtcdForge.Configuration;
using EtcdForge.Artifacts;
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
    /// (it only counts while etcd runs, so a start that fails leaves nothing misleading).</summary>
    public abstract Task StartAsync(CancellationToken ct, string? fingerprint = null);
    public abstract Task StopAsync(CancellationToken ct);
    public abstract Task<string> RecentLogAsync(int lines, CancellationToken ct);

    public async Task<bool> IsRunningAsync(CancellationToken ct) => (await Shell.RunAsync(AliveTest, ct)).Succeeded;

    // Every remote command costs a round trip and a login shell, so the three questions go in one.
    public async Task<MemberState> StateAsync(CancellationToken ct)
    {
        var script = $"""
            if {AliveTest}; then echo running; fi
            if [ -d {ShellQuote.Arg(Path.Combine(Paths.DataDir, "member"))} ]; then echo data; fi
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

    private string FingerprintFile => Path.Combine(Paths.RunDir, "etcd.deployed");
}
