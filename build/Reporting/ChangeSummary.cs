namespace EtcdForge.Reporting;

// Collects what a task changed and why, and ends the task with one line that says so, so a re-run that
// changes nothing is visible at a glance ("IssueCerts: nothing changed").
public sealed class ChangeSummary(string task, ICakeLog log)
{
    private readonly List<string> _changes = [];

    public IReadOnlyList<string> Changes => _changes;
    public bool Changed => _changes.Count > 0;

    public void Record(string what, string? why = null)
    {
        var line = why is null ? what : $"{what} ({why})";
        _changes.Add(line);
        log.Information("  changed: {0}", line);
    }

    public void Unchanged(string what) => log.Verbose("  unchanged: {0}", what);

    public void Finish()
    {
        log.Information(_changes.Count == 0
            ? $"{task}: nothing changed"
            : $"{task}: {_changes.Count} change(s)");
    }
}
