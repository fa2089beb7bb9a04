
namespace EtcdForge.Tests.Host;

[Collection(HostCollection.Name)]
public sealed class PackageRunTests(PreparedArtifacts prepared) : IDisposable
{
    private static readonly string[] Tasks = ["DownloadEtcd", "InitCa", "IssueCerts", "Package"];
    private readonly TempDir _scratch = new();

    [Fact]
    public void Package_on_a_fresh_dir_builds_every_bundle()
    {
        var run = prepared.FirstRun;
        Assert.True(run.ExitCode == 0, run.ToString());
        HostAssert.Plain(run);
        var bundles = System.IO.Path.Combine(prepared.Root, "sandbox", "bundles");
        foreach (var bundle in new[] { "etcd1", "etcd2", "etcd3", "client" })
        {
            var path = System.IO.Path.Combine(bundles, bundle + ".tar.gz");
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"{path} missing or empty\n{run}");
        }
        foreach (var task in Tasks) Assert.Contains($"{task}: ", run.Stdout);
        Assert.DoesNotContain("nothing changed", run.Stdout);
    }

    [Fact]
    public void A_second_Package_run_changes_nothing()
    {
        var run = prepared.RunWithoutWriting("--target=Package");

        HostAssert.Plain(run);
        foreach (var task in Tasks) Assert.Contains($"{task}: nothing changed", run.Lines);
        Assert.DoesNotContain(run.Lines, l => l.Contains("changed: "));
    }

    [Fact]
    public void Exclusive_Package_on_built_artifacts_runs_only_Package_and_changes_nothing()
    {
        var run = prepared.RunWithoutWriting("--exclusive", "--target=Package");

        HostAssert.Plain(run);
        Assert.Contains("Package: nothing changed", run.Lines);
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("DownloadEtcd:") || l.StartsWith("InitCa:") || l.StartsWith("IssueCerts:"));
    }

    public static TheoryData<string> Targets => new() { "DownloadEtcd", "InitCa", "IssueCerts", "Package", "Default" };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Dry_run_of_a_fresh_dir_writes_nothing(string target)
    {
        var artifacts = _scratch.Combine("artifacts");

        var run = ForgeProcess.Run($"--target={target}", "--dryrun", $"--artifacts={artifacts}");

        Assert.True(run.ExitCode == 0, run.ToString());
        HostAssert.Plain(run);
        Assert.Contains("This was a dry run.", run.Lines);
        Assert.Contains($"Target is: {target}", run.Lines);
        HostAssert.Empty(artifacts);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Dry_run_over_built_artifacts_touches_nothing(string target)
    {
        var run = prepared.RunWithoutWriting($"--target={target}", "--dryrun");

        HostAssert.Plain(run);
    }

    public void Dispose() => _scratch.Dispose();
}
