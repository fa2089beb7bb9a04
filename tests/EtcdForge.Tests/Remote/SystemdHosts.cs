using System.Diagnostics;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Remote;

// Three test hosts that boot a real systemd (tests/hosts/testhosts.sh up 3 systemd: systemd-nspawn over a cached
// Debian bookworm root, one overlay per host). They are a set of their own beside the sshd-only hosts, so both
// suites run at once: EF_TESTHOSTS_NET + 100 (198.18.100.0/24 by default; ef104-hostN for EF_TESTHOSTS_NET=4).
public static class SystemdHosts
{
    public const int Count = 3;

    public static int Net { get; } = TestHosts.Net + 100 <= 254 ? TestHosts.Net + 100
        : throw new InvalidOperationException($"EF_TESTHOSTS_NET={TestHosts.Net}: the systemd hosts use it + 100, which must be at most 254");

    public static string StateDir { get; } = Environment.GetEnvironmentVariable("EF_TESTHOSTS_DIR") is { Length: > 0 } dir
        ? dir + "-systemd" : $"/tmp/etcd-forge-testhosts{Net}";

    public static string Address(int host) => $"198.18.{Net}.1{host}";
    public static string Endpoint(int host) => $"https://{Address(host)}:2379";
    public static string Key => Path.Combine(StateDir, "keys", "id_ed25519");
    public static string KnownHosts => Path.Combine(StateDir, "known_hosts");

    // Host N's whole file system as this machine sees it (its overlay), e.g. Root(1) + "/etc/etcd".
    public static string Root(int host) => Path.Combine(StateDir, $"host{host}", "root");

    public static void Up() => Script("up", Count.ToString(), "systemd");
    public static void Down() => Script("down");

    // cycle (clean reboot), off, on, cut (hard power loss).
    public static void Power(int host, string action) => Script("power", host.ToString(), action);

    internal static ToolResult SshRun(int host, string command) => ExternalTool.Run("ssh",
        "-i", Key, "-o", "UserKnownHostsFile=" + KnownHosts, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
        "-o", "ConnectTimeout=10", $"root@{Address(host)}", command);

    public static string Ssh(int host, string command)
    {
        var result = SshRun(host, command);
        Assert.True(result.ExitCode == 0, $"ssh systemd host{host} '{command}' exited {result.ExitCode}: {result.Output}");
        return result.Stdout.Trim();
    }

    // One property of the etcd unit as systemd reports it (MainPID, NRestarts, ActiveState, TimeoutStartUSec...).
    public static string Unit(int host, string property) => Ssh(host, $"systemctl show etcd --value -p {property}");

    private static void Script(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "hosts", "testhosts.sh"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["EF_TESTHOSTS_NET"] = Net.ToString();
        start.Environment["EF_TESTHOSTS_DIR"] = StateDir;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        // Not a timing assertion: the first run builds the cached root (about 20 s alone, minutes on a busy machine).
        if (!process.WaitForExit(TimeSpan.FromMinutes(15))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"testhosts.sh {string.Join(' ', args)} (net {Net}) failed (exit {process.ExitCode}): {stderr.Result}{stdout}");
        }
    }
}
