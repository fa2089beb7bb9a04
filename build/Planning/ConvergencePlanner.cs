using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Membership;
using EtcdForge.Pki;
using EtcdForge.Rotation;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Planning;

/// <summary>The one planner: from the description and what ClusterObserver saw, the ordered steps of a run and
/// the decisions behind them. Pure: it asks each decision's own rule (the artifacts' forecasts, UpgradeDecision,
/// MembershipDiff and MembershipGuard, MemberStarter.Decide, RotationPhase) and puts their answers in order:
/// DownloadEtcd, InitCa, IssueCerts, Package, DeployNodes, BootstrapCluster, then a CA rotation's phases.</summary>
public static class ConvergencePlanner
{
    /// <param name="confirmed">--yes: changes that drop data may go ahead.</param>
    /// <param name="rotation">the run is RotateCa's (or Plan's for it): a rotation's phases are steps; otherwise one
    /// under way or due is a warning.</param>
    /// <param name="replaced">the member ReplaceMember rebuilds, when that is the run's target.</param>
    public static ConvergencePlan Plan(Cluster cluster, ArtifactLayout layout, ClusterObservation seen, bool confirmed, bool rotation = false,
        Node? replaced = null)
    {
        var steps = new List<PlanStep>(seen.Artifacts.Steps);
        var refusals = new List<PlanRefusal>();
        var warnings = new List<string>();
        var described = cluster.Nodes;
        var byName = seen.Nodes.ToDictionary(n => n.Node.Name);
        bool HasData(Node n) => byName[n.Name].State.HasData;

        var upgrade = UpgradeDecision.Decide(seen.Versions, seen.TargetVersion, seen.ClusterAlarms);
        if (upgrade.Kind == UpgradeDecision.Kind.Refused) refusals.Add(new("DeployNodes", $"{upgrade.Reason}; no node was changed"));
        if (upgrade.IsUpgrade) steps.Add(PlanStep.BackupFirst($"before etcd {upgrade.From} -> {upgrade.To}"));

        var installs = new HashSet<string>();
        foreach (var node in seen.Nodes)
        {
            if (node.Unreadable is { } why)
            {
                // DeployNodes tries it and says why on its own line; nothing is decided about its member.
                installs.Add(node.Node.Name);
                steps.Add(PlanStep.Install(node.Node, [$"install its bundle once it can be read ({why})"]));
                refusals.Add(new("BootstrapCluster", $"{node.Node.Name}: {why}"));
                continue;
            }
            var files = node.Compared?.Changes ?? ["install its new bundle (which files differ is known once Package has built it)"];
            if (files.Count == 0 && node.ImageChanges.Count == 0) continue;
            installs.Add(node.Node.Name);
            steps.Add(PlanStep.Install(node.Node, [.. files, .. node.ImageChanges]));
        }

        var founders = MembershipDiff.Founders(described, seen.Live, seen.Applied, HasData)
            .Where(n => byName[n.Name].Unreadable is null)
            .Select(n => (Node: n, Action: MemberStarter.Decide(byName[n.Name].State, byName[n.Name].Fingerprint)))
            .ToList();
        steps.AddRange(founders.Where(f => f.Action is MemberAction.Start or MemberAction.Rejoin).Select(f => PlanStep.Member(f.Node, f.Action)));
        steps.AddRange(upgrade.Order.Select(name => PlanStep.Upgrade(name, upgrade.To)));
        steps.AddRange(founders.Where(f => f.Action == MemberAction.Restart && !upgrade.Changes(f.Node.Name)).Select(f => PlanStep.Member(f.Node, f.Action)));

        IReadOnlyList<MembershipChange>? membership = null;
        if (seen.Live is { } live)
        {
            var lost = MembershipDiff.LostData(described, live, HasData);
            refusals.AddRange(lost.Select(l => new PlanRefusal("BootstrapCluster", l)));
            var diff = MembershipDiff.Of(described, live);
            refusals.AddRange(diff.Conflicts.Select(c => new PlanRefusal("BootstrapCluster", c)));
            // etcd lists an alarm in every member's status, so the members would never look healthy: refuse up front.
            if (diff.Changes.Count > 0 && MembershipGuard.AlarmRefusal(diff.Changes, seen.MembershipAlarms, confirmed) is { } alarm)
            {
                refusals.Add(new("BootstrapCluster", alarm));
            }
            membership = diff.Changes;
            steps.AddRange(diff.Changes.Select(c => PlanStep.Membership(c, confirmed)));
        }
        else if (seen.Applied.Count > 0)
        {
            warnings.Add("no member answered: membership changes are decided once the members run");
        }

        ReplaceMember? replacement = null;
        if (replaced is not null)
        {
            // ReplaceMember runs after DeployNodes, instead of BootstrapCluster: its member's lost data is what it is for.
            steps.RemoveAll(s => s.Task == "BootstrapCluster");
            refusals.RemoveAll(r => r.Task == "BootstrapCluster");
            if (seen.Live is { } members)
            {
                replacement = new ReplaceMember(replaced, MembershipDiff.MemberOf(replaced, members));
                steps.Add(PlanStep.Membership(replacement, confirmed));
            }
            else
            {
                refusals.Add(new("ReplaceMember", $"ReplaceMember: no member answers; a replacement needs a running cluster: run BootstrapCluster first"));
            }
        }

        if (seen.Rotation is { } ca)
        {
            if (rotation) steps.AddRange(RotationSteps(cluster, layout, ca));
            else if (ca.Stage != CaStage.None) warnings.Add($"a CA rotation is under way ({ca.Stage}): finish it with --target=RotateCa (Plan --for=RotateCa shows its steps)");
            else if (ca.Requested) warnings.Add("the CA is within renewBefore: rotate it with --target=RotateCa (Plan --for=RotateCa shows its steps)");
        }
        return new ConvergencePlan(steps, refusals, warnings, new MemberDecisions(founders, upgrade, membership, installs, replacement), seen);
    }

    // A rotation runs its phases one after another in one RotateCa run; each phase converges the cluster: every
    // bundle rewritten (the trust bundle or the leaves changed), installed on every node, and members restarted one
    // at a time when their CA file changed (phases 1 and 3; phase 2 swaps leaves without a restart).
    private static IEnumerable<PlanStep> RotationSteps(Cluster cluster, ArtifactLayout layout, RotationObservation rotation)
    {
        var stage = rotation.Stage;
        var served = rotation.Served;
        var requested = rotation.Requested;
        while (true)
        {
            var (step, why) = RotationPhase.Decide(stage, requested, served);
            requested = false;
            if (step == RotationStep.NothingDue) yield break;
            var phase = RotationPhases.Of(step);
            if (step is RotationStep.Begin or RotationStep.Promote or RotationStep.Retire)
            {
                yield return PlanStep.Rotation(RotationPhases.Action(step), why).InPhase(phase);
            }
            if (step is RotationStep.Promote or RotationStep.SwapLeaves)
            {
                foreach (var spec in CertificatePlan.For(layout, cluster.Pki, cluster.Nodes))
                {
                    yield return PlanStep.Certificate(new PkiChange(spec.FileName, "reissued", "issued by another CA")).InPhase(phase);
                }
            }
            foreach (var node in cluster.Nodes) yield return PlanStep.Bundle(layout.NodeBundle(node.Name), "the CA rotation's files").InPhase(phase);
            yield return PlanStep.Bundle(layout.ClientBundle, "the CA rotation's files").InPhase(phase);
            foreach (var node in cluster.Nodes) yield return PlanStep.Install(node, ["install the CA rotation's files"]).InPhase(phase);
            if (step is not (RotationStep.Promote or RotationStep.SwapLeaves))
            {
                foreach (var node in cluster.Nodes) yield return PlanStep.Member(node, MemberAction.Restart).InPhase(phase);
            }
            if (step == RotationStep.Retire) yield break;
            // What the members show once the phase has converged.
            (stage, served) = step is RotationStep.Begin or RotationStep.TrustNext
                ? (CaStage.NextCreated, new ServedView(true, false, "every member trusts the new CA"))
                : (CaStage.Promoted, new ServedView(true, true, "every member serves the new CA's certificates"));
        }
    }
}
