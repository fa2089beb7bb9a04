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

    public static EtcdService For(Node node, INodeShell shell, NodePaths paths) =>
        node.Service == ServiceKind.Systemd ? new SystemdService(shell, paths) : new ProcessService(shell, paths, node.InstallsAsSystem);

    public abstract Task<bool> IsRunningAsync(CancellationToken ct);
    public abstract Task StartAsync(CancellationToken ct);
    public abstract Task StopAsync(CancellationToken ct);
    public abstract Task<string> RecentLogAsync(int lines, CancellationToken ct);

    public async Task<bool> HasDataAsync(CancellationToken ct) =>
        (await Shell.RunAsync($"[ -d {ShellQuote.Arg(Path.Combine(Paths.DataDir, "member"))} ]", ct)).Succeeded;

    // The fingerprint of the files a member was started with; a different one means it must restart to use new files.
    public async Task<string?> StartedFingerprintAsync(CancellationToken ct)
    {
        var result = await Shell.RunAsync($"cat {ShellQuote.Arg(FingerprintFile)} 2>/dev/null", ct);
        return result.Succeeded ? result.Stdout.Trim() : null;
    }

    public async Task RecordFingerprintAsync(string fingerprint, CancellationToken ct) =>
        (await Shell.RunAsync($"printf '%s\\n' {ShellQuote.Arg(fingerprint)} > {ShellQuote.Arg(FingerprintFile)}", ct))
            .EnsureSuccess("recording the deployed fingerprint");

    private string FingerprintFile => Path.Combine(Paths.RunDir, "etcd.deployed");
}
