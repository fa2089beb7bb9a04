using System.Diagnostics;

namespace EtcdForge.Tests.Support;

// A three-member local cluster of a suite's own (its own loopback addresses, so it runs beside the shared sandbox
// and other suites), described by a YAML the test writes, brought up with --target=Verify. Dispose runs Destroy
// --yes and then kills any recorded etcd pid that is still one of ours (its command line names this artifacts dir).
public sealed class LoopbackCluster : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HashSet<int> _pids = [];

    /// <param name="addresses">three loopback addresses, e.g. 127.0.27.11-13</param>
    public LoopbackCluster(string name, IReadOnlyList<string> addresses)
    {
        Name = name;
        Addresses = addresses;
        // Run as root, the host starts etcd as the etcd user, which must reach the node dirs below the 0700 temp dir.
        File.SetUnixFileMode(_dir.Path, File.GetUnixFileMode(_dir.Path) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Name { get; }
    public IReadOnlyList<string> Addresses { get; }
    public IReadOnlyList<string> Nodes => ["etcd1", "etcd2", "etcd3"];
    public string Root => _dir.Combine("artifacts");
    public string Dir => Path.Combine(Root, Name);
    public string Backups => Path.Combine(Dir, "backups");
    public string CaCert => Path.Combine(Dir, "pki", "etcd-root-ca.pem");
    public string ClientCert => Path.Combine(Dir, "pki", "client.pem");
    public string ClientKey => Path.Combine(Dir, "pki", "client-key.pem");
    public string Endpoints => string.Join(",", Addresses.Select(a => $"https://{a}:2379"));
    public string NodeDir(string node) => Path.Combine(Dir, "nodes", node);
    public string DataDir(string node) => Path.Combine(NodeDir(node), "var", "lib", "etcd");
    public string Scratch(params string[] parts) => _dir.Combine(["scratch", .. parts]);

    /// <summary>Writes the description for an etcd archive (and optional extra YAML at the top level) and returns its path.</summary>
    public string Describe(string file, string archive, string extra = "") => _dir.File(file, $"""
        cluster: {"{"} name: {Name} {"}"}
        etcd:
          version: {Path.GetFileName(archive).Split('-')[1].TrimStart('v')}
          archive: {archive}
        {extra}
        nodes:
        {string.Join("\n", Nodes.Zip(Addresses).Select(p => $"  - {{ name: {p.First}, address: {p.Second}, connection: {{ type: local }} }}"))}

        """);

    public ForgeResult Forge(string config, params string[] args)
    {
        var run = ForgeProcess.Run([.. args, $"--config={config}", $"--artifacts={Root}"]);
        RecordPids();
        return run;
    }

    public int? PidOf(string node)
    {
        var file = Path.Combine(NodeDir(node), "run", "etcd", "etcd.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
    }

    public void RecordPids()
    {
        foreach (var node in Nodes) if (PidOf(node) is { } pid) _pids.Add(pid);
    }

    // Alive and still an etcd of this cluster (a recycled pid belonging to something else does not count).
    public bool IsOurEtcd(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] != "Z" && cmdline.Contains("etcd") && cmdline.Contains(Root);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Kills every member at once (by the pids this cluster recorded): the cluster is gone, not stopped.</summary>
    public void KillAll()
    {
        RecordPids();
        foreach (var pid in _pids.Where(IsOurEtcd))
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>Debian's etcdctl (3.4.23) against this cluster over mutual TLS.</summary>
    public ToolRun Etcdctl(params string[] args) => ToolRun.Of("/usr/bin/etcdctl", new Dictionary<string, string>
    {
        ["ETCDCTL_API"] = "3", ["ETCDCTL_ENDPOINTS"] = Endpoints, ["ETCDCTL_CACERT"] = CaCert,
        ["ETCDCTL_CERT"] = ClientCert, ["ETCDCTL_KEY"] = ClientKey,
    }, args);

    public void Dispose()
    {
        try
        {
            var config = Directory.GetFiles(_dir.Path, "*.yaml").FirstOrDefault();
            if (config is not null) Forge(config, "--target=Destroy", "--yes");
        }
        finally
        {
            foreach (var pid in _pids.Where(IsOurEtcd))
            {
                try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
            _dir.Dispose();
        }
    }
}
