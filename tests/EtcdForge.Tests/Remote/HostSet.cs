using System.Diagnostics;
using System.Net;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Remote;

// One set of SSH test hosts made by tests/hosts/testhosts.sh: subnet 198.18.Net.0/24, namespaces efNet-hostN,
// state (keys, known_hosts, the hosts' private directories) in StateDir. TestHosts.Default is the shared set
// (EF_TESTHOSTS_NET); a suite too long to queue behind the "test hosts" collection brings up a set of its own at an
// offset from it, e.g. new HostSet(offset: 60, count: 3), and runs beside it.
public sealed class HostSet
{
    /// <param name="stateSuffix">with EF_TESTHOSTS_DIR set, the set's state goes to that dir + "-" + this (default: the offset).</param>
    public HostSet(int offset, int count, string? stateSuffix = null)
    {
        Net = TestHosts.Net + offset <= 254 ? TestHosts.Net + offset
            : throw new InvalidOperationException($"EF_TESTHOSTS_NET={TestHosts.Net}: a host set at +{offset} would be past 254");
        Count = count;
        StateDir = Environment.GetEnvironmentVariable("EF_TESTHOSTS_DIR") is { Length: > 0 } dir
            ? offset == 0 ? dir : $"{dir}-{stateSuffix ?? offset.ToString()}"
            : "/tmp/etcd-forge-testhosts" + (Net == 0 ? "" : Net.ToString());
    }

    public int Net { get; }
    public int Count { get; }
    public string StateDir { get; }

    public string Namespace(int host) => (Net == 0 ? "ef" : $"ef{Net}") + $"-host{host}";
    public IPAddress Address(int host) => IPAddress.Parse($"198.18.{Net}.1{host}");
    public string Endpoint(int host) => $"https://{Address(host)}:2379";

    /// <summary>This machine's address on the hosts' bridge: what a process here listens on to be reached by the hosts.</summary>
    public IPAddress Gateway => IPAddress.Parse($"198.18.{Net}.1");

    public string Key(string name) => Path.Combine(StateDir, "keys", name);
    public string KnownHosts => Path.Combine(StateDir, "known_hosts");

    /// <summary>Where host N's private directories really live on this machine (PrivateRoot(1) + "/etc/etcd" is host 1's /etc/etcd).</summary>
    public string PrivateRoot(int host) => Path.Combine(StateDir, $"host{host}", "root");

    /// <summary>The host key fingerprint as ssh-keygen -lf printed it.</summary>
    public string Fingerprint(int host) =>
        File.ReadLines(Path.Combine(StateDir, "hosts")).Select(l => l.Split(' ')).Single(f => f[0] == Namespace(host))[2];

    public Task UpAsync() => ScriptAsync("up", Count.ToString());
    public Task DownAsync() => ScriptAsync("down");

    // testhosts.sh on this set: up, down, link, disk, rate, docker (see the script's header).
    public async Task ScriptAsync(params string[] args)
    {
        if (TestHostsRequirement.Missing() is { } missing && args is ["up", ..]) throw new InvalidOperationException(missing);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "hosts", "testhosts.sh"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["EF_TESTHOSTS_NET"] = Net.ToString();
        start.Environment["EF_TESTHOSTS_DIR"] = StateDir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Not a timing assertion: a first systemd "up" builds the cached root (about 20 s alone, minutes on a busy
        // machine); the bound only keeps a hung script from hanging the run.
        using (var guard = new CancellationTokenSource(TimeSpan.FromMinutes(15)))
        {
            try
            {
                await process.WaitForExitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"testhosts.sh {string.Join(' ', args)} (net {Net}) failed (exit {process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    internal ToolResult SshRun(int host, string command) => ExternalTool.Run("ssh",
        "-i", Key("id_ed25519"),
        "-o", "UserKnownHostsFile=" + KnownHosts,
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "ConnectTimeout=10",
        $"root@{Address(host)}",
        command);

    public string Ssh(int host, string command)
    {
        var result = SshRun(host, command);
        Assert.True(result.ExitCode == 0, $"ssh {Namespace(host)} '{command}' exited {result.ExitCode}: {result.Output}");
        return result.Stdout;
    }

    /// <summary>The pid of host N's etcd as the host's pid file says, checked to be a live etcd (the hosts share this machine's pid namespace).</summary>
    public int EtcdPid(int host)
    {
        var pid = int.Parse(Ssh(host, "cat /run/etcd/etcd.pid").Trim());
        var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        Assert.True(cmdline.Contains("etcd") && cmdline.Contains("--config-file"), $"pid {pid} on {Namespace(host)} is not etcd: {cmdline}");
        return pid;
    }
}
