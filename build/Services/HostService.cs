using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

// etcd as a process of the node (by systemd or detached): alive is a sh test, and the fingerprint of the files
// it started with is a file on the node.
public abstract class HostService(INodeShell shell, NodePaths paths) : EtcdService(shell, paths)
{
    /// <summary>A sh condition that holds while etcd runs.</summary>
    protected abstract string AliveTest { get; }

    public override async Task<bool> IsRunningAsync(CancellationToken ct) => (await Shell.RunAsync(AliveTest, ct)).Succeeded;

    // Every remote command costs a round trip and a login shell, so the three questions go in one.
    public override async Task<MemberState> StateAsync(CancellationToken ct)
    {
        var script = $"""
            if {AliveTest}; then echo running; fi
            if {HasDataTest}; then echo data; fi
            for f in {ShellQuote.Arg(Paths.StartedFingerprintFile)} {ShellQuote.Arg(Paths.LegacyFingerprintFile)}; do
              if [ -f "$f" ]; then printf 'fingerprint %s\n' "$(cat "$f")"; break; fi
            done
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
        : $"mkdir -p {ShellQuote.Arg(Paths.ConfigDir)} && printf '%s\\n' {ShellQuote.Arg(fingerprint)} > {ShellQuote.Arg(Paths.StartedFingerprintFile)} && rm -f {ShellQuote.Arg(Paths.LegacyFingerprintFile)}\n";

    // A joining member's config (see EtcdService.WriteJoinConfig) is needed for its first start only: every later
    // start uses the deployed config, so it can live in the run dir.
    protected string JoinConfig(string joinCluster) => WriteJoinConfig(joinCluster, JoinConfigFile);

    protected string JoinConfigFile => Path.Combine(Paths.RunDir, "etcd.join.conf.yml");
}
