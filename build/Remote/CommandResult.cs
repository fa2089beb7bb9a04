namespace EtcdForge.Remote;

public sealed record CommandResult(string NodeName, int ExitCode, string Stdout, string Stderr)
{
    private const int ReportedLines = 5;

    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws a one-line ForgeError "&lt;node&gt;: &lt;what&gt; failed (exit N): ..." unless the exit code is 0.</summary>
    public CommandResult EnsureSuccess(string what)
    {
        if (Succeeded) return this;
        throw new NodeError(NodeName, $"{what} failed (exit {ExitCode}): {Tail()}");
    }

    // The end of stderr is where the cause usually is; some tools only complain on stdout.
    private string Tail()
    {
        var text = string.IsNullOrWhiteSpace(Stderr) ? Stdout : Stderr;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no output" : string.Join(" | ", lines.TakeLast(ReportedLines));
    }
}
