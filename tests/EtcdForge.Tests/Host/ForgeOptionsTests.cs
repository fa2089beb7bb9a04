using EtcdForge.CommandLine;

namespace EtcdForge.Tests.Host;

// The options record on its own (no host process): where relative paths on the command line point, and the
// --detailed-exitcode switch that only Plan takes.
public sealed class ForgeOptionsTests : IDisposable
{
    private readonly TempDir _caller = new();

    // Cake's argument shape: name -> values, a bare switch as "true".
    private static Dictionary<string, ICollection<string>> Args(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => (ICollection<string>)[p.Length > 1 ? p[1] : "true"]);

    [Fact]
    public void Relative_paths_are_taken_from_the_callers_directory()
    {
        var options = ForgeOptions.Parse(Args("config=my.yaml", "artifacts=state", "snapshot=../backups/a.db", "task-report=times.json"), _caller.Path);

        Assert.Equal(_caller.Combine("my.yaml"), options.Config);
        Assert.Equal(_caller.Combine("state"), options.ArtifactsRoot);
        Assert.Equal(Path.GetFullPath(Path.Combine(_caller.Path, "..", "backups", "a.db")), options.Snapshot);
        Assert.Equal(_caller.Combine("times.json"), options.TaskReport);
    }

    [Fact]
    public void Absolute_paths_and_the_defaults_are_kept_as_they_are()
    {
        var options = ForgeOptions.Parse(Args("config=/etc/etcd-forge/prod.yaml"), _caller.Path);

        Assert.Equal("/etc/etcd-forge/prod.yaml", options.Config);
        // The defaults are the checkout's (build.sh runs the host there), not the caller's.
        Assert.Equal(ForgeOptions.DefaultArtifacts, options.ArtifactsRoot);
        Assert.Equal(ForgeOptions.DefaultConfig, ForgeOptions.Parse(Args(), _caller.Path).Config);
    }

    [Fact]
    public void Without_a_callers_directory_or_from_the_working_directory_a_path_stays_as_typed()
    {
        Assert.Equal("my.yaml", ForgeOptions.Parse(Args("config=my.yaml")).Config);
        // Run from the checkout itself: the error messages show what the user typed.
        Assert.Equal("my.yaml", ForgeOptions.Parse(Args("config=my.yaml"), Directory.GetCurrentDirectory()).Config);
    }

    [Theory]
    [InlineData("Plan")]
    [InlineData("plan")]
    public void Detailed_exitcode_is_a_switch_of_Plan(string target)
    {
        Assert.True(ForgeOptions.Parse(Args($"target={target}", "detailed-exitcode")).DetailedExitCode);
        Assert.False(ForgeOptions.Parse(Args($"target={target}", "detailed-exitcode=false")).DetailedExitCode);
        Assert.False(ForgeOptions.Parse(Args($"target={target}")).DetailedExitCode);
    }

    [Theory]
    [InlineData("Verify")]
    [InlineData(null)]
    public void Detailed_exitcode_on_any_other_target_is_refused_in_one_line(string? target)
    {
        var args = target is null ? Args("detailed-exitcode") : Args($"target={target}", "detailed-exitcode");

        var error = Assert.Throws<ForgeError>(() => ForgeOptions.Parse(args));

        Assert.Equal($"--detailed-exitcode is for --target=Plan only (exit 2 when changes are pending), not --target={target ?? "Default"}; " +
            "drop it or plan first with --target=Plan", error.Message);
    }

    [Fact]
    public void Every_option_has_a_one_line_meaning_for_help()
    {
        Assert.All(ForgeOptions.Meanings, o =>
        {
            Assert.StartsWith("--", o.Syntax);
            Assert.False(string.IsNullOrWhiteSpace(o.Meaning), o.Syntax);
            Assert.DoesNotContain('\n', o.Meaning);
        });
        Assert.Contains(ForgeOptions.Meanings, o => o.Syntax == "--detailed-exitcode");
    }

    public void Dispose() => _caller.Dispose();
}
