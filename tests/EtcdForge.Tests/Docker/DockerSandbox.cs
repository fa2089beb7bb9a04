using System.Text.Json;
using EtcdForge.Tests.Download;
using EtcdForge.Tests.EndToEnd;

namespace EtcdForge.Tests.Docker;

// config/examples/docker-sandbox.yaml on this suite's own loopback block (127.0.25.11-13, and .14 for the member a
// test adds, so it runs beside the other suites), named dockertest, with Debian's etcd 3.4.23 as a local release
// archive (no network). One `--target=Verify` for the class; Dispose runs Destroy --yes and then removes, by name,
// any container of this cluster that is still there, so no container outlives the tests.
public sealed class DockerSandbox : IDisposable
{
    public const string ClusterName = "dockertest";
    public static readonly string[] Nodes = ["etcd1", "etcd2", "etcd3"];
    public static readonly string[] Endpoints = ["https://127.0.25.11:2379", "https://127.0.25.12:2379", "https://127.0.25.13:2379"];
    /// <summary>Where a test adds a fourth member (the next address of the block).</summary>
    public const string FourthAddress = "127.0.25.14";

    private readonly TempDir _dir = new();

    public DockerSandbox()
    {
        if (DockerEngineRequirement.Missing() is { } why) throw new InvalidOperationException(why);
        var archive = Path.Combine(_dir.Path, ReleaseArchives.Name);
        File.WriteAllBytes(archive, ReleaseArchives.Release);
        Config = WriteConfig("docker.yaml", Description(archive));
        FirstRun = Forge("--target=Verify");
    }

    public string Config { get; }
    public string Root => _dir.Combine("artifacts");
    public string Cluster => Path.Combine(Root, ClusterName);
    public ClusterFiles Files => new(Cluster);
    public string ImageReport => Files.Report("image.json");
    public ForgeResult FirstRun { get; }

    public static string Container(string node) => $"etcd-forge-{ClusterName}-{node}";

    public string NodeDir(string node) => Files.NodeDir(node);

    public string WriteConfig(string name, string yaml) => _dir.File(name, yaml);

    // The suite's description unless the test passes its own --config.
    public ForgeResult Forge(params string[] args) =>
        ForgeProcess.Run([.. args, $"--artifacts={Root}", .. args.Any(a => a.StartsWith("--config=")) ? Array.Empty<string>() : new[] { $"--config={Config}" }]);

    public string Description(string archive) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "examples", "docker-sandbox.yaml"))
            .Replace("name: docker-sandbox", $"name: {ClusterName}")
            .Replace("127.0.0.2", "127.0.25.1")
            .Replace("  version: 3.5.21\n  distributionFallback: true\n", $"  version: 3.4.23\n  archive: {archive}\n");

    public (string Id, string Digest, string Tag) ReportedImage()
    {
        using var report = JsonDocument.Parse(File.ReadAllText(ImageReport));
        var root = report.RootElement;
        return (root.GetProperty("id").GetString()!, root.GetProperty("digest").GetString()!, root.GetProperty("tag").GetString()!);
    }

    internal static ToolResult Docker(params string[] args) => ExternalTool.RunWith("docker", null, args);

    public static string Inspect(string container, string format)
    {
        var run = Docker("container", "inspect", "--format", format, container);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Trim();
    }

    public static IReadOnlyList<string> ContainersOfThisCluster() =>
        Docker("ps", "--all", "--filter", $"label=io.etcd-forge.cluster={ClusterName}", "--format", "{{.Names}}").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        try
        {
            Forge("--target=Destroy", "--yes");
        }
        finally
        {
            foreach (var name in ContainersOfThisCluster()) Docker("rm", "--force", name);
            _dir.Dispose();
        }
    }
}
