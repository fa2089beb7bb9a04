namespace EtcdForge.Commands;

// What a command printed and how it ended: a remote or local shell command on a node (NodeName set), or a
// program run on the build machine (NodeName null).
public sealed record CommandResult(string? NodeName, int ExitCode, string Stdout, string Stderr)
{
    private const int ReportedLines = 5;

    public bool Succeeded => ExitCode == 0;

    // The end of stderr is where the cause usually is; some tools only complain on stdout.
    public string LastErrorLine => Tail(1);

    /// <summary>Throws a one-line error "&lt;node&gt;: &lt;what&gt; failed (exit N): ..." unless the exit code is 0.</summary>
    public CommandResult EnsureSuccess(string what)
    {
        if (Succeeded) return this;
        var detail = $"{what} failed (exit {ExitCode}): {Tail(ReportedLines)}";
        throw NodeName is null ? new ForgeError(detail) : new NodeError(NodeName, detail);
    }

    private string Tail(int count)
    {
        var text = string.IsNullOrWhiteSpace(Stderr) ? Stdout : Stderr;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no output" : string.Join(" | ", lines.TakeLast(count));
    }
}
