using EtcdForge.Tests.Pki;

namespace EtcdForge.Tests.Remote;

// Three test hosts that boot a real systemd (tests/hosts/testhosts.sh up 3 systemd: systemd-nspawn over a cached
// Debian bookworm root, one overlay per host). They are a set of their own beside the sshd-only hosts, so both
// suites run at once: EF_TESTHOSTS_NET + 100 (198.18.100.0/24 by default; ef104-hostN for EF_TESTHOSTS_NET=4).
public static class SystemdHosts
{
    public const int Count = 3;

    public static HostSet Set { get; } = new(offset: 100, Count, stateSuffix: "systemd");

    public static int Net => Set.Net;
    public static string StateDir => Set.StateDir;

    public static string Address(int host) => Set.Address(host).ToString();
    public static string Endpoint(int host) => Set.Endpoint(host);
    public static string Key => Set.Key("id_ed25519");
    public static string KnownHosts => Set.KnownHosts;

    // Host N's whole file system as this machine sees it (its overlay), e.g. Root(1) + "/etc/etcd".
    public static string Root(int host) => Set.PrivateRoot(host);

    public static void Up() => Script("up", Count.ToString(), "systemd");
    public static void Down() => Script("down");

    // cycle (clean reboot), off, on, cut (hard power loss).
    public static void Power(int host, string action) => Script("power", host.ToString(), action);

    internal static ToolResult SshRun(int host, string command) => Set.SshRun(host, command);

    public static string Ssh(int host, string command) => Set.Ssh(host, command).Trim();

    // One property of the etcd unit as systemd reports it (MainPID, NRestarts, ActiveState, TimeoutStartUSec...).
    public static string Unit(int host, string property) => Ssh(host, $"systemctl show etcd --value -p {property}");

    private static void Script(params string[] args) => Set.ScriptAsync(args).GetAwaiter().GetResult();
}
