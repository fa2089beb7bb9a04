using System.Diagnostics;
using System.Net;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Remote;

/// <summary>
/// One set of SSH test hosts made by tests/hosts/testhosts.sh: host N is 198.18.NET.1N in namespace efNET-hostN, with
/// its keys, known_hosts and private directories under the state dir. Sets on different nets run side by side, so a
/// suite with a set of its own runs in parallel with the suites sharing TestHosts.
/// </summary>
public sealed class HostSet(int net, int count, string stateDir)
{
    public int Net => net;
    public int Count => count;
    public string StateDir => stateDir;

    /// <summary>
    /// A set of its own beside the default one, on TestHosts.Net + <paramref name="offset"/> (one offset per suite:
    /// SystemdHosts has 100, MembershipHosts 40), with its state dir named after that net.
    /// </summary>
    public static HostSet Beside(int offset, int count, string name)
    {
        var net = TestHosts.Net + offset;
        if (net > 254) throw new InvalidOperationException($"EF_TESTHOSTS_NET={TestHosts.Net}: the {name} hosts use it + {offset}, which must be at most 254");
        var dir = Environment.GetEnvironmentVariable("EF_TESTHOSTS_DIR") is { Length: > 0 } d ? $"{d}-{name}" : $"/tmp/etcd-forge-testhosts{net}";
        return new HostSet(net, count, dir);
    }

    public IPAddress Address(int host) => IPAddress.Parse($"198.18.{net}.1{host}");
    public string Namespace(int host) => (net == 0 ? "ef" : $"ef{net}") + $"-host{host}";
    public string Key(string name) => Path.Combine(stateDir, "keys", name);
    public string KnownHosts => Path.Combine(stateDir, "known_hosts");

    /// <summary>Where host N's private directories (/etc/etcd, /var/lib/etcd, ...) really live on this machine.</summary>
    public string PrivateRoot(int host) => Path.Combine(stateDir, $"host{host}", "root");

    public Task UpAsync() => ScriptAsync("up", count.ToString());
    public Task DownAsync() => ScriptAsync("down");

    // up, down, link, disk, rate... (see testhosts.sh) on this set.
    public async Task ScriptAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "hosts", "testhosts.sh"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["EF_TESTHOSTS_NET"] = net.ToString();
        start.Environment["EF_TESTHOSTS_DIR"] = stateDir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Not a timing assertion: only keeps a hung script from hanging the run (building the systemd hosts' cached
        // root takes about 20 s alone, minutes on a busy machine).
        using (var bound = new CancellationTokenSource(TimeSpan.FromMinutes(15)))
        {
            try { await process.WaitForExitAsync(bound.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"testhosts.sh {string.Join(' ', args)} (net {net}) failed (exit {process.ExitCode}): {await stderr}{await stdout}");
        }
    }
}
