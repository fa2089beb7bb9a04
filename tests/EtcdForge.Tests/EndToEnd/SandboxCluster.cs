using System.Diagnostics;

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
public sealed class SandboxCluster : ILocalCluster, IDisposable
{
    public static readonly string[] Nodes = LocalMembers.Names;
    private readonly TempDir _dir = new();
    private readonly LocalMembers _members;

    public SandboxCluster()
    {
        _dir.ReachableByEtcd();
        _members = new LocalMembers(Sandbox);
        FirstRun = ForgeProcess.Run("--target=Verify", $"--artifacts={Root}");
        RecordPids();
    }

    public string Root => _dir.Combine("artifacts");
    public string Sandbox => Path.Combine(Root, "sandbox");
    public ClusterFiles Files => new(Sandbox);
    public string ClusterDir => Sandbox;
    // config/cluster.yaml asks for 3.5.21 with the Debian fallback, and this machine cannot reach the release host.
    public string Version => "3.4.23";
    public IReadOnlyList<string> Endpoints { get; } = ["https://127.0.0.11:2379", "https://127.0.0.12:2379", "https://127.0.0.13:2379"];
    public string NodeDir(string node) => _members.NodeDir(node);
    public string PidFile(string node) => _members.PidFile(node);
    public ForgeResult FirstRun { get; }
    public IReadOnlyCollection<int> SeenPids => _members.Seen;

    public string WriteConfig(string name, string yaml) => _dir.File(name, yaml);

    public string ConfigWithEtcdSetting(string setting) => WriteConfig($"with-{setting.Split(':')[0]}.yaml",
        File.ReadAllText(RepoPaths.Config("cluster.yaml")).Replace("  peerPort: 2380\n", $"  peerPort: 2380\n  {setting}\n"));

    public ForgeResult Forge(params string[] args) => ForgeProcess.Run([.. args, $"--artifacts={Root}"]);

    public int? PidOf(string node) => _members.PidOf(node);

    // Remembers every pid the members have had, for the no-etcd-left checks.
    public void RecordPids() => _members.Record();

    // Alive and still an etcd of this sandbox (a recycled pid belonging to something else does not count).
    public bool IsOurEtcd(int pid) => _members.IsOurEtcd(pid);

    public void Dispose()
    {
        try
        {
            RecordPids();
            ForgeProcess.Run("--target=Destroy", "--yes", $"--artifacts={Root}");
        }
        finally
        {
            _members.KillLeftovers();
            _dir.Dispose();
        }
    }
}
