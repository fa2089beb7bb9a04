using Cake.Frosting;

namespace EtcdForge.Tests.Host;

// Cake's own options and the host's user errors, against the real host. None of these writes artifacts.
// The tree, description and unknown-target tests pin the output of the Frosting stand-in (build/Host/Frosting),
// which imitates Cake's: they would change with the real Cake.Frosting.
[Collection(HostCollection.Name)]
public sealed class CommandLineTests : IDisposable
{
    private static readonly string[] Targets = ["Default", "DownloadEtcd", "InitCa", "IssueCerts", "Package"];
    private readonly TempDir _scratch = new();
    private string Artifacts => _scratch.Combine("artifacts");

    // No description at all: what only lists tasks or options must not need one.
    private string NoDescription => $"--config={_scratch.Combine("no-such-cluster.yaml")}";

    // An option that needs no description: it succeeds with a description that does not exist, says nothing on
    // stderr, writes plain text and leaves the artifacts dir empty.
    private ForgeResult RunWithoutDescription(string option)
    {
        var run = ForgeProcess.Run(option, NoDescription, $"--artifacts={Artifacts}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.ErrorLines);
        HostAssert.Plain(run);
        return run;
    }

    [Fact]
    public void Tree_shows_the_dependency_chain_without_a_description()
    {
        var run = RunWithoutDescription("--tree");
        var order = Targets.Select(t => run.Lines.ToList().FindIndex(l => l.TrimStart(' ', '└', '─', '│', '├').Equals(t))).ToList();
        Assert.True(order.All(i => i >= 0), "every target in the tree:\n" + run);
        // Default -> Package -> IssueCerts -> InitCa -> DownloadEtcd, each one line further down.
        Assert.True(order[0] < order[4] && order[4] < order[3] && order[3] < order[2] && order[2] < order[1], run.ToString());
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Description_lists_every_target_with_its_description_without_a_description_file()
    {
        var run = RunWithoutDescription("--description");
        foreach (var target in Targets) Assert.Contains(run.Lines, l => l.TrimStart().StartsWith(target + " "));
        Assert.Contains("Builds every artifact", run.Stdout);
        Assert.Contains("Obtains verified etcd binaries", run.Stdout);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Help_lists_every_target_and_every_option_with_its_meaning_without_a_description()
    {
        var run = RunWithoutDescription("--help");
        Assert.StartsWith("Usage: ./build.sh --target=NAME", run.Lines[1]);
        var tasks = TaskRegistration.Discover([typeof(BuildContext).Assembly]).ToList();
        Assert.Contains(tasks, t => t.Name == "Plan");
        foreach (var task in tasks)
        {
            Assert.False(string.IsNullOrEmpty(task.Description), $"{task.Name} has no [TaskDescription]");
            Assert.Contains(run.Lines, l => l.TrimStart().StartsWith(task.Name + " ") && l.EndsWith(task.Description!));
        }
        foreach (var option in HostOptions.Meanings.Concat(EtcdForge.CommandLine.ForgeOptions.Meanings))
        {
            Assert.Contains(run.Lines, l => l.TrimStart().StartsWith(option.Syntax + " ") && l.EndsWith(option.Meaning));
        }
        Assert.Contains("  3  an internal error: a bug in etcd-forge; please report it with the output of --verbosity=diagnostic", run.Lines);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Version_names_the_version_the_commit_and_the_supported_etcd_versions_without_a_description()
    {
        var run = RunWithoutDescription("--version");
        var lines = run.Stdout.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("etcd-forge 0.9.0", lines[0]);
        // The host was built from this checkout, so its commit is one of the repository's.
        var commit = Assert.Single(System.Text.RegularExpressions.Regex.Match(lines[1], "^commit: ([0-9a-f]{40})$").Groups.Values.Skip(1)).Value;
        ExternalTool.Succeed("git", "-C", RepoPaths.Root, "cat-file", "-e", commit + "^{commit}");
        Assert.Equal("supported etcd: 3.4, 3.5 (tested: 3.4.23, 3.5.30); 3.6 by its documented flags, untested", lines[2]);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Detailed_exitcode_outside_Plan_is_one_line_before_anything_runs()
    {
        var run = ForgeProcess.Run("--target=Package", "--detailed-exitcode", $"--artifacts={Artifacts}");

        var error = HostAssert.OneLineError(run);
        Assert.Equal("Error: --detailed-exitcode is for --target=Plan only (exit 2 when changes are pending), not --target=Package; drop it or plan first with --target=Plan", error);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Exclusive_Package_on_a_fresh_dir_says_to_run_DownloadEtcd_first()
    {
        var run = ForgeProcess.Run("--exclusive", "--target=Package", $"--artifacts={Artifacts}");

        HostAssert.Failed(run);
        // stderr holds the one error line; Cake's "An error occurred when executing task 'Package'." goes to stdout.
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("Error: ", error);
        Assert.Contains("obtained.json is missing", error);
        Assert.Contains("run --target=DownloadEtcd first", error);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Missing_config_is_one_line_naming_the_path_and_the_option()
    {
        var missing = _scratch.Combine("no-such-cluster.yaml");

        var run = ForgeProcess.Run($"--config={missing}", $"--artifacts={Artifacts}");

        var error = HostAssert.OneLineError(run);
        Assert.Contains(missing, error);
        Assert.Contains("--config", error);
        HostAssert.Empty(Artifacts);
    }

    [Theory]
    [InlineData("Nope")]
    [InlineData("Deploy")]
    public void Unknown_target_fails_naming_it_and_the_real_targets(string target)
    {
        var run = ForgeProcess.Run($"--target={target}", $"--artifacts={Artifacts}");

        var error = HostAssert.OneLineError(run);
        Assert.Contains($"'{target}' was not found", error);
        foreach (var known in Targets) Assert.Contains(known, error);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Unknown_target_fails_under_dry_run_too()
    {
        var run = ForgeProcess.Run("--target=Nope", "--dryrun", $"--artifacts={Artifacts}");

        HostAssert.Failed(run);
        Assert.Single(run.ErrorLines);
        Assert.Contains("'Nope' was not found", run.Stderr);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Bad_verbosity_is_a_one_line_error()
    {
        var run = ForgeProcess.Run("--verbosity=loud", $"--artifacts={Artifacts}");

        var error = HostAssert.OneLineError(run);
        Assert.Contains("--verbosity=loud", error);
        HostAssert.Empty(Artifacts);
    }

    // The reported case: a misspelt --config must not fall back to config/cluster.yaml and build the sandbox.
    [Fact]
    public void Misspelt_config_option_builds_nothing_and_suggests_the_option()
    {
        var run = ForgeProcess.Run($"--confg={_scratch.Combine("my.yaml")}", "--target=Package", $"--artifacts={Artifacts}");

        var error = HostAssert.OneLineError(run);
        Assert.Contains("is not an option (did you mean --config?)", error);
        HostAssert.Empty(Artifacts);
    }

    // The stand-in host knows no option of the build: a bare switch reaches the build as "true", and the build's
    // options record decides what it means (here: Destroy's --yes, checked before any node is touched).
    [Fact]
    public void Build_switches_pass_through_the_host_as_true()
    {
        var run = ForgeProcess.Run("--target=Plan", "--yes", "--trust-new-host-keys", "--dryrun", $"--artifacts={Artifacts}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.ErrorLines);
        HostAssert.Empty(Artifacts);
    }

    public void Dispose() => _scratch.Dispose();
}
