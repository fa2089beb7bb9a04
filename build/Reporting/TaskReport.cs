using System.Text.Json;
using EtcdForge.Artifacts;

namespace EtcdForge.Reporting;

// The run's tasks as they finish: name, outcome, seconds and peak resident memory, written to the file given with
// --task-report after every task, so a run that fails still leaves what it did. bench/run.sh reads it rather than
// Cake's console table. Opt-in and outside artifacts/ by default: the timings differ on every run, and a run
// must leave the cluster's artifacts unchanged when it has nothing to change.
public sealed class TaskReport(string path)
{
    public sealed record Entry(string Task, string Status, double Seconds, double? PeakMemoryMB);

    private readonly List<Entry> _entries = [];

    public void Add(string task, string status, TimeSpan duration, long? peakBytes)
    {
        _entries.Add(new Entry(task, status, Math.Round(duration.TotalSeconds, 3),
            peakBytes is { } bytes ? Math.Round(bytes / 1048576.0, 1) : null));
        var json = JsonSerializer.SerializeToUtf8Bytes(new
        {
            tasks = _entries,
            peakMemoryMB = _entries.Max(e => e.PeakMemoryMB),
        }, Json);
        try
        {
            AtomicFile.Write(path, json, AtomicFile.PublicMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ForgeError($"--task-report={path}: cannot write it ({e.Message}); pass a file in a directory you can write to");
        }
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
