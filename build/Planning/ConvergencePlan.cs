using EtcdForge.Configuration;
using EtcdForge.Membership;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Planning;

/// <summary>A refusal found while planning: the task that would have to stop, and the one line it stops with.</summary>
public sealed record PlanRefusal(string Task, string Message);

/// <summary>What the planner decided for the members: the executors of DeployNodes and BootstrapCluster read it,
/// never decide again.</summary>
/// <param name="Founders">the described nodes BootstrapCluster starts or restarts of its own accord, each with its action.</param>
/// <param name="Membership">the membership changes in order; null when no member answered at planning time, so the
/// changes are decided by MembershipDiff once the members run.</param>
/// <param name="Installs">the nodes DeployNodes installs on; the others already hold their bundle.</param>
/// <param name="Replacement">ReplaceMember's change (--node), when that is the run's target.</param>
public sealed record MemberDecisions(
    IReadOnlyList<(Node Node, MemberAction Action)> Founders,
    UpgradeDecision.Result Upgrade,
    IReadOnlyList<MembershipChange>? Membership,
    IReadOnlySet<string> Installs,
    ReplaceMember? Replacement = null);

/// <summary>The ordered steps of a run, with the decisions behind them. Made once per run by ConvergencePlanner;
/// Plan prints it and writes reports/plan.json, the targets carry it out and write reports/applied.json.</summary>
public sealed record ConvergencePlan(
    IReadOnlyList<PlanStep> Steps,
    IReadOnlyList<PlanRefusal> Refusals,
    IReadOnlyList<string> Warnings,
    MemberDecisions Members,
    ClusterObservation Observation)
{
    public const int SchemaVersion = 1;

    public bool HasChanges => Steps.Count > 0;

    public PlanStep StepOf(Func<PlanStep, bool> match, string what) =>
        Steps.FirstOrDefault(match) ?? throw new InvalidOperationException($"the plan has no step for {what}");

    /// <summary>Stops the task before it changes anything when planning found a reason it must not run.</summary>
    public void ThrowRefusals(string task)
    {
        var mine = Refusals.Where(r => r.Task == task).Select(r => r.Message).ToList();
        if (mine.Count > 0) throw new ForgeError(string.Join(Environment.NewLine, mine));
    }
}
