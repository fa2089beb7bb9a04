using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using EtcdForge.Tests.Pki;

namespace EtcdForge.Tests.Remote;

// A three-member cluster description for the SSH test hosts (etcd1 on host 1, ...; etcd as a process, the hosts
// have no systemd), its own artifacts dir, and the tools to look at it from outside: Debian's etcdctl, ssh, and
// the hosts' private directories as this machine sees them. Dispose runs Destroy --yes, so the next class in the
// "test hosts" collection finds the hosts empty; the classes of that collection run one after another.
public class TestHostCluster : IDisposable
{
    public static readonly string[] Nodes = ["etcd1", "etcd2", "etcd3"];

    private readonly TempDir _scratch = new();
    private readonly IReadOnlyDictionary<string, string?> _environment;

    // service: how etcd runs on the hosts (process: they have no systemd; docker: needs testhosts.sh docker N up).
    // hosts: the shared set unless a suite brought up its own. etcd: the etcd section's lines (by default whatever
    // 3.5.21 the machine gets, Debian's 3.4.23 without internet); pki: more pki lines.
    protected TestHostCluster(string name, string keyFile, IReadOnlyDictionary<string, string?>? environment = null, string service = "process",
        HostSet? hosts = null, IReadOnlyList<string>? etcd = null, IReadOnlyList<string>? pki = null)
    {
        Name = name;
        Hosts = hosts ?? TestHosts.Default;
        _environment = environment ?? new Dictionary<string, string?>();
        var description = new ClusterDescription(name)
        {
            Etcd = etcd ?? ["version: 3.5.21", "distributionFallback: true"],
            Pki = pki ?? [],
            Nodes = [.. Enumerable.Range(1, Nodes.Length).Select(h => Hosts.Member(h, service, keyFile))],
        };
        Config = _scratch.File("cluster.yaml", description.Yaml);
    }

    public string Name { get; }
    public HostSet Hosts { get; }
    public string Config { get; }
    public string Scratch => _scratch.Path;
    public string Artifacts => _scratch.Combine("artifacts");
    public string ClusterDir => Path.Combine(Artifacts, Name);
    public ClusterFiles Files => new(ClusterDir);

    public static string Endpoint(int host) => $"https://{TestHosts.Address(host)}:2379";
    public static string PeerUrl(int host) => $"https://{TestHosts.Address(host)}:2380";

    public ForgeResult Forge(params string[] args) => Process().Start(WithPaths(args));

    /// <summary>A run with some environment variables set differently from the cluster's usual ones.</summary>
    public ForgeResult ForgeWith(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        new ForgeProcess { Environment = _environment.Concat(environment).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value) }
            .Start(WithPaths(args));

    public RunningForge Launch(params string[] args) => Process().Launch(WithPaths(args));

    private ForgeProcess Process() => new() { Environment = _environment };

    // A run may name another description of the cluster (--config=...); by default it is this one.
    private string[] WithPaths(string[] args) =>
        [.. args, .. args.Any(a => a.StartsWith("--config=", StringComparison.Ordinal)) ? [] : new[] { $"--config={Config}" }, $"--artifacts={Artifacts}"];

    /// <summary>Debian's etcdctl with the operator's client certificate, against all members unless --endpoints is given.</summary>
    internal ToolResult Etcdctl(params string[] args) => Files.Etcdctl(Enumerable.Range(1, Nodes.Length).Select(Endpoint), args);

    internal string EtcdctlSucceeds(params string[] args)
    {
        var result = Etcdctl(args);
        Assert.True(result.ExitCode == 0, $"etcdctl {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result.Stdout;
    }

    // On the shared set (TestHosts.Default), for the suites of the "test hosts" collection.
    internal static ToolResult SshRun(int host, string command) => TestHosts.Default.SshRun(host, command);

    public static string Ssh(int host, string command) => TestHosts.Default.Ssh(host, command);

    public static int EtcdPid(int host) => TestHosts.Default.EtcdPid(host);

    public static void KillEtcd(int host)
    {
        using var member = System.Diagnostics.Process.GetProcessById(EtcdPid(host));
        member.Kill();
        member.WaitForExit();
    }

    /// <summary>
    /// Where each file of node N's bundle belongs on the node, with its SHA-256, read from the bundle with this
    /// test's own reading of the layout (bin/ to /usr/local/bin, ssl/ to /etc/etcd/ssl, etcd.conf.yml to /etc/etcd).
    /// </summary>
    public IReadOnlyDictionary<string, string> BundleFiles(int host)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(ClusterDir, "bundles", $"etcd{host}.tar.gz")), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null) continue;
            var name = entry.Name.TrimStart('.', '/');
            var target = name.StartsWith("bin/", StringComparison.Ordinal) ? "/usr/local/bin/" + name[4..]
                : name.StartsWith("ssl/", StringComparison.Ordinal) ? "/etc/etcd/ssl/" + name[4..]
                : name == "etcd.conf.yml" ? "/etc/etcd/etcd.conf.yml"
                : null;
            if (target is not null) files[target] = Convert.ToHexStringLower(SHA256.HashData(entry.DataStream));
        }
        Assert.Contains("/usr/local/bin/etcd", files.Keys);
        return files;
    }

    /// <summary>The SHA-256 of a file on host N as the host sees it at <paramref name="path"/>, or null when absent.</summary>
    public static string? NodeFileSha(int host, string path)
    {
        var local = TestHosts.PrivateRoot(host) + path;
        return File.Exists(local) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(local))) : null;
    }

    /// <summary>Files in host N's private directories whose names say they are temporary (".x.tmp").</summary>
    public static IReadOnlyList<string> NodeTempFiles(int host) => TestHosts.PrivateDirs
        .Select(d => TestHosts.PrivateRoot(host) + d)
        .Where(Directory.Exists)
        .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
        .Where(f => Path.GetFileName(f).StartsWith('.') && f.EndsWith(".tmp", StringComparison.Ordinal))
        .ToList();

    public virtual void Dispose()
    {
        try
        {
            // Leave no etcd running and nothing installed on the hosts, whatever the tests did.
            if (File.Exists(Path.Combine(ClusterDir, "bundles", "etcd1.tar.gz"))) Forge("--target=Destroy", "--yes");
        }
        finally
        {
            _scratch.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
