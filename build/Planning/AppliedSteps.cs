using System.Text.Json;
using EtcdForge.Artifacts;

namespace EtcdForge.Planning;

/// <summary>reports/applied.json: the steps this run carried out, in the order they finished, each logged with its
/// id as it finishes. Written from the first step on and rewritten after every step, so a run that stops halfway
/// still says how far it got; a run that carries out no step (nothing to do, or refused) leaves the artifacts as
/// they were, the last run's record included.</summary>
public sealed class AppliedSteps(ArtifactLayout layout, string cluster, TimeProvider clock, ICakeLog log)
{
    public sealed record Entry(string Id, string Task, string? Node, string Action, string Outcome, string? Detail);

    public sealed record Document(int SchemaVersion, string Cluster, string Target, DateTimeOffset StartedAt, IReadOnlyList<Entry> Steps);

    private readonly List<Entry> _entries = [];
    private string? _target;
    private DateTimeOffset _startedAt;

    /// <summary>The phase of a CA rotation that steps now belong to (null outside a rotation).</summary>
    public string? Phase { get; set; }

    public IReadOnlyList<Entry> Entries => _entries;

    public static string PathOf(ArtifactLayout layout) => Path.Combine(layout.Reports, "applied.json");

    /// <summary>Starts this run's record; it replaces the last run's at this run's first step.</summary>
    public void Start(string target)
    {
        _target = target;
        _startedAt = clock.GetUtcNow();
    }

    public void Done(PlanStep step, string? detail = null) => Add(step, "done", detail);

    public void Failed(PlanStep step, string detail) => Add(step, "failed", detail);

    private void Add(PlanStep step, string outcome, string? detail)
    {
        var s = step.InPhase(Phase);
        _entries.Add(new Entry(s.Id, s.Task, s.Node, s.Action, outcome, detail));
        log.Information("step {0}: {1}{2}", s.Id, outcome, detail is null ? "" : $" ({detail})");
        Write();
    }

    private void Write()
    {
        if (_target is null) return; // not a run that changes anything (Plan, --dryrun)
        Directory.CreateDirectory(layout.Reports);
        AtomicFile.Write(PathOf(layout), JsonSerializer.SerializeToUtf8Bytes(
            new Document(ConvergencePlan.SchemaVersion, cluster, _target, _startedAt, _entries), PlanReport.Json), AtomicFile.PublicMode);
    }
}
