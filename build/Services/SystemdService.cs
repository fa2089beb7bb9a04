using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

public sealed class SystemdService(INodeShell shell, NodePaths paths) : HostService(shell, paths)
{
    protected override string AliveTest => "systemctl is-active --quiet etcd";

    // --no-block: a new member only reports ready once a quorum exists, so members are started together
    // and the quorum is awaited by the caller.
    public override async Task StartAsync(CancellationToken ct, string? fingerprint = null, string? joinCluster = null)
    {
        // A join start points ExecStart at the join config through a runtime drop-in (gone at reboot); any other
        // start removes it, so the unit runs the deployed config again.
        var dropIn = joinCluster is null
            ? $"rm -f {JoinDropIn}\n"
            : JoinConfig(joinCluster) + $"mkdir -p {Path.GetDirectoryName(JoinDropIn)} && printf '[Service]\\nExecStart=\\nExecStart=%s --config-file %s\\n' " +
              $"{ShellQuote.Arg(Path.Combine(Paths.BinDir, "etcd"))} {ShellQuote.Arg(JoinConfigFile)} > {JoinDropIn}\n";
        // set -e: etcd must not start without its fingerprint, or every later run would restart it again.
        var result = await Shell.RunAsync($"set -e\n{RecordFingerprint(fingerprint)}{dropIn}systemctl daemon-reload && systemctl enable --quiet etcd && systemctl restart --no-block etcd", ct);
        if (!result.Succeeded)
        {
            throw new NodeError(Shell.NodeName, $"systemctl could not start etcd (exit {result.ExitCode}): {result.Stderr.Trim().ReplaceLineEndings(" ")}; {await LastWordsAsync(ct)}");
        }
    }

    private const string JoinDropIn = "/run/systemd/system/etcd.service.d/etcd-forge-join.conf";

    public override async Task StopAsync(CancellationToken ct) =>
        (await Shell.RunAsync("systemctl stop etcd 2>/dev/null || true", ct)).EnsureSuccess("stopping etcd");

    public override string LogLocation => "journalctl -u etcd";

    public override async Task<string> RecentLogAsync(int lines, CancellationToken ct) =>
        (await Shell.RunAsync($"journalctl -u etcd -n {lines} --no-pager -o cat 2>&1", ct)).Stdout.Trim();
}
