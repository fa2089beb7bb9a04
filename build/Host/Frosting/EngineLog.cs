namespace Cake.Frosting;

// The log Cake's engine writes to. Its "An error occurred when executing task 'X'." (and the same for a teardown
// action) goes to stdout instead of stderr: the task table already names the failed task, and stderr must carry only
// the host's one-line "Error: ..." that says what is wrong and what to do.
internal sealed class EngineLog(ICakeLog inner) : ICakeLog
{
    private static readonly string[] Failed =
    [
        "An error occurred when executing task", "An error occurred in the custom task teardown action", "An error occurred in a custom teardown action",
    ];

    public Verbosity Verbosity
    {
        get => inner.Verbosity;
        set => inner.Verbosity = value;
    }

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
        if (level == LogLevel.Error && Failed.Any(f => format.StartsWith(f, StringComparison.Ordinal))) level = LogLevel.Information;
        inner.Write(verbosity, level, format, args);
    }
}
