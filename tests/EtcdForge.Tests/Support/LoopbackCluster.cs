using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.Support;

// A sandbox-like cluster of three local members on a loopback block of a suite's own (127.0.B.11-13, ports
// 2379/2380; .21-23 with firstHost: 21, so one block can hold several clusters), whose etcd is downloaded from a
// loopback release host (127.0.B.1) serving a real release: 3.5.30 from EtcdRelease, or 3.4.23 (Debian's
// /usr/bin/etcd in the official layout). Having its own addresses, it runs in parallel with the default sandbox and with other blocks; give each collection its own block.
//
//   using var cluster = LoopbackCluster.Up(block: 24);            // Verify on 3.5.30; throws with the run's output if it fails
//   cluster.Forge("--target=Verify")                               // --config and --artifacts are added
//   cluster.Forge("--target=BootstrapCluster", $"--config={cluster.ConfigFor(EtcdRelease.V35)}")   // another version
//   cluster.Etcdctl("get", "k")                                    // that release's own etcdctl, client certificate, all members
//
// Dispose runs Destroy --yes and then kills any member of this cluster still alive (by the pid it recorded).
public class LoopbackCluster : ILocalCluster, IDisposable
{
    public static readonly string[] Nodes = LocalMembers.Names;

    private readonly TempDir _dir = new();
    private readonly ReleaseServer _mirror;
    private readonly LocalMembers _members;

    /// <param name="etcd">more lines for the etcd section; <paramref name="sections"/>: top-level sections (e.g. backup); <paramref name="pki"/>: more pki lines;
    /// <paramref name="nodes"/>: more entries per member (by name, e.g. etcd3: "extraFlags: { log-level: info }").</param>
    public LoopbackCluster(int block, string version = EtcdRelease.V35, string name = "loopback", int firstHost = 11, IReadOnlyList<string>? etcd = null,
        IReadOnlyList<string>? sections = null, IReadOnlyList<string>? pki = null, IReadOnlyDictionary<string, string>? nodes = null)
    {
        if (block is < 1 or > 254) throw new ArgumentOutOfRangeException(nameof(block), block, "a loopback block is 127.0.B.0/24, B in 1-254");
        if (firstHost is < 2 or > 252) throw new ArgumentOutOfRangeException(nameof(firstHost), firstHost, "members are 127.0.B.firstHost..+2");
        Block = block;
        FirstHost = firstHost;
        Name = name;
        _dir.ReachableByEtcd();
        _mirror = new ReleaseServer($"127.0.{block}.1");
        _members = new LocalMembers(ClusterDir);
        Version = version;
        _description = new ClusterDescription(name) { Sections = sections ?? [], Pki = pki ?? [], Nodes = [.. Enumerable.Range(1, Nodes.Length).Select(m => DescribedNode.Local(Nodes[m - 1], Address(m)) with { More = nodes?.GetValueOrDefault(Nodes[m - 1]) })] };
        Config = ConfigFor(version, etcd ?? []);
    }

    public static LoopbackCluster Up(int block, string version = EtcdRelease.V35, string name = "loopback", int firstHost = 11)
    {
        var cluster = new LoopbackCluster(block, version, name, firstHost);
        var run = cluster.Verify();
        if (run.ExitCode == 0) return cluster;
        cluster.Dispose();
        throw new InvalidOperationException($"a {version} cluster on {cluster.Address(1)}-{cluster.Address(3)} did not come up:\n{run}");
    }

    // The first `--target=Verify`, which brings the cluster up; FirstRun keeps its result.
    public ForgeResult Verify()
    {
        _firstRun = Forge("--target=Verify");
        _members.Record();
        return _firstRun;
    }

    public int Block { get; }
    public int FirstHost { get; }
    public string Name { get; }
    public string Version { get; }
    public string Config { get; }
    private ForgeResult? _firstRun;
    private readonly ClusterDescription _description;
    public ForgeResult FirstRun => _firstRun ?? throw new InvalidOperationException("the cluster has not been brought up: call Verify() first");
    public string Artifacts => _dir.Combine("artifacts");
    /// <summary>A directory beside the artifacts for a test's own files (copies, damaged snapshots).</summary>
    public string Scratch => _dir.Combine("scratch");
    public string ClusterDir => Path.Combine(Artifacts, Name);
    public ClusterFiles Files => new(ClusterDir);
    public string MirrorUrl => _mirror.BaseUrl;
    public IReadOnlyCollection<int> SeenPids => _members.Seen;
    public string NodeDir(string node) => _members.NodeDir(node);
    public int? PidOf(string node) => _members.PidOf(node);
    public bool IsOurEtcd(int pid) => _members.IsOurEtcd(pid);
    public void RecordPids() => _members.Record();
    public string ConfigWithEtcdSetting(string setting) => ConfigFor(Version, [setting]);
    public string Address(int member) => $"127.0.{Block}.{FirstHost - 1 + member}";
    public IReadOnlyList<string> Endpoints => Enumerable.Range(1, Nodes.Length).Select(m => $"https://{Address(m)}:2379").ToList();

    // A description of this cluster on another etcd version (or with more etcd settings), written beside the first;
    // the mirror starts serving that version.
    public string ConfigFor(string version, IReadOnlyList<string>? etcd = null)
    {
        EtcdRelease.Serve(_mirror, version);
        var lines = (etcd ?? []).ToList();
        var description = _description with
        {
            Etcd = [$"version: {version}", $"downloadUrl: {_mirror.BaseUrl}", "distributionFallback: false", .. lines],
        };
        return _dir.File($"cluster-{version}-{Math.Abs(string.Join('\n', lines).GetHashCode()):x}.yaml", description.Yaml);
    }

    // Everything installed on the members (binaries, config, certificates) with mtimes; not the data dirs and logs,
    // which a running etcd changes on its own. For "nothing changed on any node" checks.
    public DirSnapshot InstalledFiles()
    {
        var files = new SortedDictionary<string, (DateTime Mtime, string Sha256, UnixFileMode Mode)>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            foreach (var dir in new[] { "usr", "etc" })
            {
                foreach (var (path, state) in DirSnapshot.Of(Path.Combine(NodeDir(node), dir)).Files) files[$"{node}/{dir}/{path}"] = state;
            }
        }
        return new DirSnapshot(files);
    }

    // Everything under artifacts/ but the members' own trees (nodes/, where running etcd changes its data and logs),
    // for "nothing changed under artifacts/" checks on a running cluster.
    public DirSnapshot ArtifactFiles() => DirSnapshot.Of(Artifacts, Path.Combine(Name, "nodes"));

    public ForgeResult Forge(params string[] args) => ForgeProcess.Run(WithPaths(args));

    // Through a host set up otherwise, e.g. with another environment.
    public ForgeResult Forge(ForgeProcess host, params string[] args) => host.Start(WithPaths(args));

    // etcdctl of the newest release the cluster has run (3.5's understands 3.4 members too), with the client
    // certificate, against every member unless the args name --endpoints.
    internal ToolResult Etcdctl(params string[] args)
    {
        var etcdctl = Version == EtcdRelease.V34 ? "/usr/bin/etcdctl" : EtcdRelease.Get(Version).Tool("etcdctl");
        return Files.EtcdctlOf(etcdctl, Endpoints, args);
    }

    private string[] WithPaths(string[] args) =>
        [.. args, .. args.Any(a => a.StartsWith("--config=", StringComparison.Ordinal)) ? [] : new[] { $"--config={Config}" }, $"--artifacts={Artifacts}"];


    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        try
        {
            _members.Record();
            if (Directory.Exists(ClusterDir)) ForgeProcess.Run("--target=Destroy", "--yes", $"--config={Config}", $"--artifacts={Artifacts}");
        }
        finally
        {
            _members.KillLeftovers();
            _mirror.Dispose();
            _dir.Dispose();
        }
    }
}
