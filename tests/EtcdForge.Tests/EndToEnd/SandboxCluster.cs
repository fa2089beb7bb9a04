using System.Diagnostics;
using EtcdForge.Tests.Support;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace EtcdForge.Tests.EndToEnd;

// Every test that brings up the sandbox (3 members on 127.0.0.11-13, ports 2379/2380) belongs here. Non-parallel:
// xunit runs it alone, after the parallel collections, so no two tests ever hold the sandbox ports at once.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SandboxClusterCollection
{
    public const string Name = "Sandbox cluster";
}

// One `--target=Verify` on a fresh artifacts dir, made once for the class. Dispose always runs Destroy --yes and
// then, as a last resort, kills any recorded etcd pid that is still alive and still one of ours (its command line
// names this artifacts dir), so no etcd outlives the tests.
public sealed class SandboxCluster : IDisposable
{
    public static readonly string[] Nodes = ["etcd1", "etcd2", "etcd3"];
    private readonly TempDir _dir = new();
    private readonly HashSet<int> _pids = [];

    public SandboxCluster()
    {
        // The temp dir is created 0700; run as root, the host starts etcd as the etcd user, which must reach
        // the node dirs below it (as it would under /tmp or / in a real run).
        File.SetUnixFileMode(_dir.Path, File.GetUnixFileMode(_dir.Path) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        FirstRun = ForgeProcess.Run("--target=Verify", $"--artifacts={Root}");
        RecordPids();
    }

    public string Root => _dir.Combine("artifacts");
    public string Sandbox => Path.Combine(Root, "sandbox");
    public string Pki => Path.Combine(Sandbox, "pki");
    public string NodeDir(string node) => Path.Combine(Sandbox, "nodes", node);
    public string PidFile(string node) => Path.Combine(NodeDir(node), "run", "etcd", "etcd.pid");
    public ForgeResult FirstRun { get; }
    public IReadOnlyCollection<int> SeenPids => _pids;

    public string WriteConfig(string name, string yaml) => _dir.File(name, yaml);

    public ForgeResult Forge(params string[] args) => ForgeProcess.Run([.. args, $"--artifacts={Root}"]);

    public int? PidOf(string node) =>
        File.Exists(PidFile(node)) && int.TryParse(File.ReadAllText(PidFile(node)).Trim(), out var pid) ? pid : null;

    // Remembers every pid the members have had, for the no-etcd-left checks.
    public void RecordPids()
    {
        foreach (var node in Nodes) if (PidOf(node) is { } pid) _pids.Add(pid);
    }

    // Alive and still an etcd of this sandbox (a recycled pid belonging to something else does not count).
    public bool IsOurEtcd(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && cmdline.Contains("etcd") && cmdline.Contains(Sandbox);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public void Dispose()
    {
        try
        {
            RecordPids();
            ForgeProcess.Run("--target=Destroy", "--yes", $"--artifacts={Root}");
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

// Runs the tests of a class in the order of their method names (T1_..., T2_...): the cluster is brought up
// once and torn down by the last test.
public sealed class ByMethodName : ITestCaseOrderer
{
    public const string TypeName = "EtcdForge.Tests.EndToEnd.ByMethodName";
    public const string Assembly = "EtcdForge.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
