using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

public sealed class ProcessService(INodeShell shell, NodePaths paths, bool asEtcdUser) : HostService(shell, paths)
{
    private string Pid => ShellQuote.Arg(Paths.PidFile);

    // The pid alone is not enough: after a reboot it may belong to another program.
    protected override string AliveTest =>
        $"{{ [ -f {Pid} ] && p=$(cat {Pid}) && kill -0 \"$p\" 2>/dev/null && tr '\\0' ' ' < /proc/\"$p\"/cmdline | grep -q etcd; }}";

    private const int ExitedAfterStart = 3;

    public override async Task StartAsync(CancellationToken ct, string? fingerprint = null, string? joinCluster = null)
    {
        var log = ShellQuote.Arg(Paths.LogFile);
        var etcd = ShellQuote.Arg(Path.Combine(Paths.BinDir, "etcd"));
        var config = ShellQuote.Arg(joinCluster is null ? Paths.ConfigFile : JoinConfigFile);
        // As root, etcd drops to its own user; setpriv execs in place, so the pid file names etcd itself.
        // A stale pid file (a member that was killed) is removed first, or the wait below would read the dead pid.
        var script = $$"""
            set -e
            {{RecordFingerprint(fingerprint)}}{{(joinCluster is null ? "" : JoinConfig(joinCluster))}}mkdir -p {{ShellQuote.Arg(Paths.RunDir)}}
            if {{(asEtcdUser ? "true" : "false")}} && [ "$(id -u)" = 0 ] && getent passwd etcd >/dev/null; then as="setpriv --reuid=etcd --regid=etcd --init-groups"; else as=""; fi
            rm -f {{Pid}}
            setsid sh -c "echo \$\$ > {{Paths.PidFile}}; exec $as {{etcd}} --config-file {{config}}" >>{{log}} 2>&1 </dev/null &
            for i in 1 2 3 4 5 6 7 8 9 10; do [ -s {{Pid}} ] && break; sleep 0.1; done
            # etcd refuses a bad config, a taken port or a full disk within moments; report that here, with its log,
            # rather than after BootstrapCluster's whole wait.
            {{AliveTest}} && sleep 0.2 && {{AliveTest}} || exit {{ExitedAfterStart}}
            """;
        var result = await Shell.RunAsync(script, ct);
        if (result.ExitCode == ExitedAfterStart)
        {
            throw new NodeError(Shell.NodeName, $"etcd exited right after start; {await LastWordsAsync(ct)}");
        }
        result.EnsureSuccess("starting etcd");
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        var script = $$"""
            [ -f {{Pid}} ] || exit 0
            # A zombie has exited and released its ports and files; only its reaper still owes a wait(), and
            # where that is a slow init (seen here: about 2 s), kill -0 would keep calling it alive.
            gone() { [ ! -e /proc/"$1" ] || [ "$(cut -d' ' -f3 /proc/"$1"/stat 2>/dev/null)" = Z ]; }
            p=$(cat {{Pid}})
            if kill -0 "$p" 2>/dev/null && tr '\0' ' ' < /proc/"$p"/cmdline | grep -q etcd; then
              kill "$p"
              for i in $(seq 1 200); do gone "$p" && break; sleep 0.05; done
              gone "$p" || kill -9 "$p"
            fi
            rm -f {{Pid}}
            """;
        (await Shell.RunAsync(script, ct)).EnsureSuccess("stopping etcd");
    }

    public override string LogLocation => Paths.LogFile;

    public override async Task<string> RecentLogAsync(int lines, CancellationToken ct) =>
        (await Shell.RunAsync($"tail -n {lines} {ShellQuote.Arg(Paths.LogFile)} 2>/dev/null", ct)).Stdout.Trim();
}
