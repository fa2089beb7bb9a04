using System.Net;
using EtcdForge.Tests.Pki;

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

    // The set's layout has one home: the "name address fingerprint" lines testhosts.sh writes to StateDir/hosts as
    // it brings the set up (efK-hostN per host, efK-lan for this machine's leg on the bridge); bench/run.sh reads
    // the same file.
    private string[] Entry(string suffix)
    {
        var file = Path.Combine(StateDir, "hosts");
        if (!File.Exists(file)) throw new InvalidOperationException($"{file} is missing: this host set is not up (tests/hosts/testhosts.sh up N)");
        return File.ReadLines(file).Select(l => l.Split(' ')).FirstOrDefault(f => f.Length == 3 && f[0].EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{file} has no line for *{suffix}: bring the set up with more hosts");
    }

    public string Namespace(int host) => Entry($"-host{host}")[0];
    public IPAddress Address(int host) => IPAddress.Parse(Entry($"-host{host}")[1]);
    public string Endpoint(int host) => $"https://{Address(host)}:2379";

    /// <summary>This machine's address on the hosts' bridge: what a process here listens on to be reached by the hosts.</summary>
    public IPAddress Gateway => IPAddress.Parse(Entry("-lan")[1]);

    public string Key(string name) => Path.Combine(StateDir, "keys", name);
    public string KnownHosts => Path.Combine(StateDir, "known_hosts");

    /// <summary>Host N as member etcdN of a cluster description, reached as root with this set's key (or another) and its known_hosts.</summary>
    public DescribedNode Member(int host, string service = "process", string? keyFile = null) =>
        DescribedNode.Ssh($"etcd{host}", Address(host).ToString(), keyFile ?? Key("id_ed25519"), KnownHosts, service);

    /// <summary>Where host N's private directories really live on this machine (PrivateRoot(1) + "/etc/etcd" is host 1's /etc/etcd).</summary>
    public string PrivateRoot(int host) => Path.Combine(StateDir, $"host{host}", "root");

    /// <summary>The host key fingerprint as ssh-keygen -lf printed it.</summary>
    public string Fingerprint(int host) => Entry($"-host{host}")[2];

    /// <summary>Host N's line in known_hosts.</summary>
    public string KnownHostsLine(int host) => File.ReadLines(KnownHosts).Single(l => l.StartsWith(Address(host) + " ", StringComparison.Ordinal));

    public Task UpAsync() => ScriptAsync("up", Count.ToString());
    public Task DownAsync() => ScriptAsync("down");

    // testhosts.sh on this set: up, down, link, disk, rate, docker (see the script's header).
    public async Task ScriptAsync(params string[] args)
    {
        if (TestHostsRequirement.Missing() is { } missing && args is ["up", ..]) throw new InvalidOperationException(missing);
        var environment = new Dictionary<string, string> { ["EF_TESTHOSTS_NET"] = Net.ToString(), ["EF_TESTHOSTS_DIR"] = StateDir };
        // A longer guard than a tool's: a first systemd "up" builds the cached root (about 20 s alone, minutes on a
        // busy machine).
        var script = await Task.Run(() => ExternalTool.RunWithin(TimeSpan.FromMinutes(15), "bash", environment,
            [Path.Combine(RepoPaths.Root, "tests", "hosts", "testhosts.sh"), .. args]));
        if (script.ExitCode != 0)
        {
            throw new InvalidOperationException($"testhosts.sh {string.Join(' ', args)} (net {Net}) failed (exit {script.ExitCode}): {script.Stderr}{script.Stdout}");
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
