using System.Diagnostics;

namespace EtcdForge.Tests.Support;

// The etcd processes of a cluster of local members (connection: local) under one cluster dir: their pids, as
// the pid files say, every pid seen so far, and a last-resort kill for those still alive after Destroy.
public sealed class LocalMembers(string clusterDir)
{
    public static readonly string[] Names = ["etcd1", "etcd2", "etcd3"];

    private readonly HashSet<int> _seen = [];

    public IReadOnlyCollection<int> Seen => _seen;

    public string NodeDir(string node) => Path.Combine(clusterDir, "nodes", node);
    public string PidFile(string node) => Path.Combine(NodeDir(node), "run", "etcd", "etcd.pid");

    public int? PidOf(string node) =>
        File.Exists(PidFile(node)) && int.TryParse(File.ReadAllText(PidFile(node)).Trim(), out var pid) ? pid : null;

    // Remembers every pid the members have had, for the no-etcd-left checks.
    public void Record()
    {
        var nodes = Path.Combine(clusterDir, "nodes");
        if (!Directory.Exists(nodes)) return;
        foreach (var node in Directory.EnumerateDirectories(nodes).Select(Path.GetFileName))
        {
            if (PidOf(node!) is { } pid) _seen.Add(pid);
        }
    }

    // Alive and still an etcd of this cluster (a recycled pid belonging to something else does not count).
    public bool IsOurEtcd(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && cmdline.Contains("etcd") && cmdline.Contains(clusterDir);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public void KillLeftovers()
    {
        Record();
        foreach (var pid in _seen.Where(IsOurEtcd))
        {
            try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        }
    }
}
