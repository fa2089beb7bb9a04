using System.Text.RegularExpressions;
using Cake.Frosting;
using Spectre.Console;

namespace EtcdForge.Tests.Host;

// The host's exit codes, with etcd-forge's context and user-error type wired as Program.cs wires them, run in this
// process with probe tasks (below) in place of the real ones, so that each outcome can be produced on purpose:
// 0 success, 1 a user error, 2 changes pending under Plan --detailed-exitcode, 3 an internal error (a bug).
// The tests of one class run one after another, which the swapped Console streams need.
public sealed partial class HostExitCodeTests : IDisposable
{
    private readonly TempDir _scratch = new();

    private (int ExitCode, string Stdout, IReadOnlyList<string> ErrorLines) Run(params string[] args)
    {
        var (stdout, stderr, ansi) = (Console.Out, Console.Error, AnsiConsole.Console);
        var output = new StringWriter();
        var errors = new StringWriter();
        Console.SetOut(output);
        Console.SetError(errors);
        try
        {
            var exitCode = new CakeHost()
                .UseContext<BuildContext>()
                .UseUserError<ForgeError>()
                .AddAssembly(typeof(HostExitCodeTests).Assembly)
                .Run([.. args, $"--config={RepoPaths.Config("cluster.yaml")}", $"--artifacts={_scratch.Combine("artifacts")}"]);
            var lines = Ansi().Replace(errors.ToString(), "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
            return (exitCode, output.ToString(), lines);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            AnsiConsole.Console = ansi;
        }
    }

    [Fact]
    public void Changes_pending_under_detailed_exitcode_exit_2()
    {
        PlanProbe.FindsChanges = true;

        var run = Run("--target=Plan", "--detailed-exitcode");

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {string.Join('\n', run.ErrorLines)}");
        Assert.Empty(run.ErrorLines);
    }

    [Fact]
    public void Nothing_pending_under_detailed_exitcode_exits_0()
    {
        PlanProbe.FindsChanges = false;

        Assert.Equal(0, Run("--target=Plan", "--detailed-exitcode").ExitCode);
    }

    [Fact]
    public void Changes_pending_without_detailed_exitcode_exit_0()
    {
        PlanProbe.FindsChanges = true;

        Assert.Equal(0, Run("--target=Plan").ExitCode);
    }

    [Fact]
    public void A_user_error_exits_1_with_its_one_line()
    {
        var run = Run("--target=ProbeUserError");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["Error: etcd9: the probe's mistake; fix the probe"], run.ErrorLines);
    }

    [Fact]
    public void Any_other_exception_exits_3_with_one_line_that_says_it_is_a_bug()
    {
        var run = Run("--target=ProbeBug");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal(["internal error: the probe's bug, told over two lines; this is a bug in etcd-forge, please report it with the output of --verbosity=diagnostic"],
            run.ErrorLines);
    }

    [Fact]
    public void At_diagnostic_verbosity_an_internal_error_adds_its_stack_trace()
    {
        var run = Run("--target=ProbeBug", "--verbosity=diagnostic");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains(run.ErrorLines, l => l.StartsWith("internal error: the probe's bug"));
        Assert.Contains(run.ErrorLines, l => l.TrimStart().StartsWith($"at {typeof(BugProbe).FullName}.Run"));
    }

    [Fact]
    public void A_target_that_does_not_exist_is_a_user_error()
    {
        var run = Run("--target=NoSuchProbe");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: The target 'NoSuchProbe' was not found", Assert.Single(run.ErrorLines));
    }

    // Cake's engine refuses to run a target whose own criteria say "skip" (SingleNodeTest on a running cluster).
    [Fact]
    public void A_target_that_skips_itself_is_a_user_error()
    {
        var run = Run("--target=ProbeSkipped");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: Could not reach target 'ProbeSkipped' since it was skipped due to a criteria", Assert.Single(run.ErrorLines));
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    public void Dispose() => _scratch.Dispose();
}

// Stands in for Plan: reports changes as the test says (one test at a time: the tests of a class run in turn).
[TaskName("Plan")]
public sealed class PlanProbe : FrostingTask<BuildContext>
{
    public static bool FindsChanges { get; set; }

    public override void Run(BuildContext context) => context.ChangesPending = FindsChanges;
}

[TaskName("ProbeUserError")]
public sealed class UserErrorProbe : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => throw new NodeError("etcd9", "the probe's mistake; fix the probe");
}

[TaskName("ProbeBug")]
public sealed class BugProbe : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => throw new InvalidOperationException("the probe's bug,\ntold over two lines");
}

[TaskName("ProbeSkipped")]
public sealed class SkippedProbe : FrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context) => false;
}
