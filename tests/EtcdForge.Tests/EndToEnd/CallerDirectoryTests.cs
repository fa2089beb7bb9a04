using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.EndToEnd;

// A new user runs the checkout's build.sh from the directory that holds their description, with relative paths:
// the command line's paths are theirs (build.sh itself changes into the checkout), the description's own paths are
// relative to the description. Three local members on 127.0.43.11-13 (a block no other suite uses), Debian's etcd
// 3.4.23 given as an etcd.archive beside the description.
public sealed class CallerDirectoryTests : IDisposable
{
    private const string Cluster = "caller";
    private readonly TempDir _dir = new();
    private readonly LocalMembers _members;

    public CallerDirectoryTests()
    {
        _dir.ReachableByEtcd();
        _members = new LocalMembers(ClusterDir);
    }

    // Where the user stands.
    private string Here => _dir.Combine("here");
    private string ClusterDir => Path.Combine(Here, "state", Cluster);

    // /path/to/checkout/build.sh ARGS, run from Here, with plain output as in a CI log.
    private ToolResult BuildSh(params string[] args) =>
        ExternalTool.RunWithin(TimeSpan.FromMinutes(5), "bash", new Dictionary<string, string> { ["CI"] = "true", ["NO_COLOR"] = "1" },
            ["-c", "cd -- \"$1\" && shift && exec \"$@\"", "bash", Here, Path.Combine(RepoPaths.Root, "build.sh"), .. args]);

    [Fact]
    public void Build_sh_run_from_another_directory_takes_relative_paths_from_there()
    {
        Directory.CreateDirectory(_dir.Combine("here", "downloads"));
        File.WriteAllBytes(_dir.Combine("here", "downloads", ReleaseArchives.Name), ReleaseArchives.Release);
        File.WriteAllBytes(_dir.Combine("here", "downloads", "SHA256SUMS"), ReleaseArchives.Sums(ReleaseArchives.Sha256(ReleaseArchives.Release)));
        _dir.File("here/my.yaml", new ClusterDescription(Cluster)
        {
            Etcd = [$"version: {ReleaseArchives.Version}", $"archive: downloads/{ReleaseArchives.Name}"],
            Nodes = [.. Enumerable.Range(1, 3).Select(m => DescribedNode.Local($"etcd{m}", $"127.0.43.1{m}"))],
        }.Yaml);

        var run = BuildSh("--target=Verify", "--config=my.yaml", "--artifacts=state", "--task-report=tasks.json");
        _members.Record();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(new ClusterFiles(ClusterDir).Report("verify.json")), "no state/caller/reports/verify.json where the user stood:\n" + run);
        Assert.True(File.Exists(Path.Combine(Here, "tasks.json")), "no tasks.json where the user stood:\n" + run);
        Assert.False(Directory.Exists(Path.Combine(RepoPaths.Root, "state")), "state/ appeared in the checkout");
        Assert.False(File.Exists(Path.Combine(RepoPaths.Root, "tasks.json")), "tasks.json appeared in the checkout");
        var health = new ClusterFiles(ClusterDir).Etcdctl(Enumerable.Range(1, 3).Select(m => $"https://127.0.43.1{m}:2379"), "endpoint", "health");
        Assert.True(health.ExitCode == 0, health.ToString());
    }

    public void Dispose()
    {
        try
        {
            _members.Record();
            if (Directory.Exists(ClusterDir)) BuildSh("--target=Destroy", "--yes", "--config=my.yaml", "--artifacts=state");
        }
        finally
        {
            _members.KillLeftovers();
            _dir.Dispose();
        }
    }
}
