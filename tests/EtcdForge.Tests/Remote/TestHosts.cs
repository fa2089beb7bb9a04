using System.Net;
using EtcdForge.Configuration;
using EtcdForge.Remote;

namespace EtcdForge.Tests.Remote;

// Four SSH hosts (three for a cluster, one spare) in network namespaces (tests/hosts/testhosts.sh), brought up once for the collection.
public sealed class TestHosts : IAsyncLifetime
{
    public const int Count = 3;

    // One host more than the clusters use: the membership tests add it as a fourth member.
    public const int Spare = Count + 1;

    // EF_TESTHOSTS_NET picks a separate set of hosts (see testhosts.sh), so two checkouts can run these at once.
    public static int Net { get; } = int.TryParse(Environment.GetEnvironmentVariable("EF_TESTHOSTS_NET"), out var net) ? net : 0;

    /// <summary>The shared set these statics describe: hosts 1-4 on 198.18.Net.0/24.</summary>
    public static HostSet Default { get; } = new(offset: 0, count: Spare);

    public static string StateDir => Default.StateDir;

    /// <summary>How many lines starting with <paramref name="prefix"/> host N's sshd logged while the action ran.</summary>
    public static async Task<int> SshdLogLinesDuring(int host, string prefix, Func<Task> action)
    {
        var log = Path.Combine(StateDir, $"host{host}", "sshd.log");
        int Count() => File.ReadLines(log).Count(l => l.StartsWith(prefix, StringComparison.Ordinal));
        var before = Count();
        await action();
        return Count() - before;
    }

    public static string Namespace(int host) => Default.Namespace(host);

    public string KnownHosts => Default.KnownHosts;

    public static string Key(string name) => Default.Key(name);

    public static IPAddress Address(int host) => Default.Address(host);

    /// <summary>This machine's address on the hosts' bridge: what a process here listens on to be reached by the hosts.</summary>
    public static IPAddress Gateway => Default.Gateway;

    /// <summary>
    /// Where host N's private directories (/etc/etcd, /var/lib/etcd, /usr/local/bin, /etc/systemd/system, /run/etcd)
    /// really live on this machine, e.g. PrivateRoot(1) + "/etc/etcd" is what host 1 sees as /etc/etcd.
    /// </summary>
    public static string PrivateRoot(int host) => Default.PrivateRoot(host);

    public static readonly string[] PrivateDirs = ["/etc/etcd", "/var/lib/etcd", "/usr/local/bin", "/etc/systemd/system", "/run/etcd"];

    /// <summary>The host key fingerprint as ssh-keygen -lf printed it.</summary>
    public string Fingerprint(int host) => Default.Fingerprint(host);

    public string KnownHostsLine(int host) => Default.KnownHostsLine(host);

    /// <summary>How the tests' own SSH sessions to the hosts connect (a busy machine may take seconds to answer).</summary>
    public static SshOptions Ssh { get; } = new() { ConnectTimeout = TimeSpan.FromSeconds(10) };

    public static Node Node(int host, string user, string key, string? hostKey = null, string? knownHosts = null, int port = 22) =>
        TestNode.At($"host{host}", Address(host), new Connection(ConnectionType.Ssh, user, port, key, hostKey, knownHosts), ServiceKind.Systemd);

    public Task InitializeAsync() => Default.UpAsync();

    public Task DisposeAsync() => Default.DownAsync();

    // Pulls or plugs host N's link, mounts a small tmpfs over a directory on it, or slows traffic to one of its
    // ports (testhosts.sh link/disk/rate).
    public static Task ScriptAsync(params string[] args) => Default.ScriptAsync(args);
}

[CollectionDefinition(Name)]
public sealed class TestHostsCollection : ICollectionFixture<TestHosts>
{
    public const string Name = "test hosts";
}

public static class TestHostsRequirement
{
    /// <returns>why the test hosts cannot run here, or null when they can.</returns>
    public static string? Missing()
    {
        if (Environment.UserName != "root") return "the SSH test hosts need root (network namespaces, sshd, users)";
        if (!File.Exists("/usr/sbin/sshd")) return "the SSH test hosts need /usr/sbin/sshd (apt-get install openssh-server)";
        return null;
    }

    // CI must never pass by skipping: there the fixture runs anyway and fails with the reason.
    public static string? SkipReason() =>
        Environment.GetEnvironmentVariable("CI") == "true" ? null : Missing() is { } why ? why + " (skipped outside CI)" : null;
}

public sealed class TestHostFactAttribute : FactAttribute
{
    public TestHostFactAttribute() => Skip = TestHostsRequirement.SkipReason();
}

public sealed class TestHostTheoryAttribute : TheoryAttribute
{
    public TestHostTheoryAttribute() => Skip = TestHostsRequirement.SkipReason();
}
