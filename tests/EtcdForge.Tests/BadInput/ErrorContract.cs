using System.Text.RegularExpressions;

namespace EtcdForge.Tests.BadInput;

// What a user who made a mistake gets from the real host: exit code 1 (3 is a bug) and exactly one line on stderr,
// "Error: <where>: <what is wrong>; <what to do>", with no stack trace and no exception type anywhere in the output.
internal static partial class ErrorContract
{
    public const string Prefix = "Error: ";

    /// <returns>the error line without its "Error: " prefix.</returns>
    public static string OneLine(ForgeResult run)
    {
        Assert.True(run.ExitCode == 1, "expected exit code 1 (a user error):\n" + run);
        Assert.True(run.ErrorLines.Count == 1, $"expected exactly one line on stderr, got {run.ErrorLines.Count}:\n" + run);
        var line = run.ErrorLines[0];
        Assert.True(line.StartsWith(Prefix, StringComparison.Ordinal), "the stderr line should start with 'Error: ':\n" + run);
        Assert.False(run.Lines.Any(l => l.StartsWith("   at ", StringComparison.Ordinal)), "stack trace in output:\n" + run);
        Assert.False(ExceptionName().IsMatch(run.Output), "exception type name in output:\n" + run);
        Assert.False(run.Output.Contains('\u001b'), "ANSI escape in output:\n" + run);
        return line[Prefix.Length..];
    }

    // Each fragment must appear in the error; the message names them all in the assertion failure.
    public static void Says(string error, ForgeResult run, params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            Assert.True(error.Contains(fragment, StringComparison.Ordinal), $"the error should contain '{fragment}':\n{run}");
        }
    }

    // "System.IO.IOException", "SshAuthenticationException", "Unhandled exception" and the like.
    [GeneratedRegex(@"\w*Exception\b|Unhandled exception")]
    private static partial Regex ExceptionName();
}
