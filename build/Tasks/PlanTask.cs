using EtcdForge.Planning;

namespace EtcdForge.Tasks;

// Read-only on the nodes and in the artifacts: it writes only reports/plan.json.
[TaskName("Plan")]
[TaskDescription("Shows the plan: every step a run would carry out, locally and on each node, from read-only checks (--for=RenewCerts or RotateCa: that target's run); writes reports/plan.json")]
public sealed class PlanTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var plan = await context.PlanAsync();
        var upgrade = plan.Members.Upgrade;
        if (upgrade.IsUpgrade)
        {
            context.Log.Information("[cluster] would upgrade etcd {0} -> {1}", upgrade.From, upgrade.To);
            context.Log.Information("[cluster] member order: {0} (followers first, the leader last; each ready before the next)", string.Join(", ", upgrade.Order));
            context.Log.Information("[cluster] backup first: {0}", context.Backups.PredictedName(context.Clock.GetUtcNow()));
        }
        var membership = plan.Steps.Where(s => s.Action is "add-member" or "promote-learner" or "remove-member").ToList();
        foreach (var step in plan.Steps)
        {
            var phase = step.Id.Contains(':') ? step.Id[..step.Id.IndexOf(':')] + ": " : "";
            if (membership.IndexOf(step) is var i and >= 0 && phase.Length == 0)
            {
                context.Log.Information("membership change {0} of {1}: would {2}", i + 1, membership.Count, step.Why);
            }
            else if (step.Details is { Count: > 0 } details && phase.Length == 0)
            {
                foreach (var detail in details) context.Log.Information("{0} would {1}", step.Actor, detail);
            }
            else
            {
                context.Log.Information("{0}{1} would {2}", phase, step.Actor, step.Why);
            }
        }
        foreach (var node in context.Cluster.Nodes.Where(n => plan.Steps.All(s => s.Node != n.Name)))
        {
            context.Log.Information("[{0}] no changes", node.Name);
        }
        foreach (var warning in plan.Warnings) context.Log.Warning("{0}", warning);
        foreach (var refusal in plan.Refusals)
        {
            context.Log.Warning("{0} would refuse, before changing anything: {1}", refusal.Task, refusal.Message);
        }
        context.ChangesPending = plan.HasChanges;
        PlanReport.Write(context.Artifacts, context.Cluster.Name, context.Options.PlanFor ?? "Verify", plan, context.Clock.GetUtcNow());
        context.Log.Information(plan.HasChanges ? $"Plan: {plan.Steps.Count} change(s); nothing was changed" : "Plan: nothing to change");
    }
}
