namespace Cake.Frosting;

// The log Cake's engine writes to. Its "An error occurred when executing task 'X'." goes to stdout instead of
// stderr: the task table already names the failed task, and stderr must carry only the host's one-line
// "Error: ..." that says what is wrong and what to do.
internal sealed class EngineLog(ICakeLog inner) : ICakeLog
{
    private const string TaskFailed = "An error occurred when executing task";

    public Verbosity Verbosity
    {
        get => inner.Verbosity;
        set => inner.Verbosity = value;
    }

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
        if (level == LogLevel.Error && format.StartsWith(TaskFailed, StringComparison.Ordinal)) level = LogLevel.Information;
        inner.Write(verbosity, level, format, args);
    }
}
