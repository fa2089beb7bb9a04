using EtcdForge.Client;
using EtcdForge.Deploy;
using EtcdForge.Membership;
using EtcdForge.Docker;
using EtcdForge.Download;
using EtcdForge.Pki;
using EtcdForge.Planning;
using EtcdForge.Rotation;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Tasks;

// Read-only end to end: it writes nothing under artifacts/ and changes nothing on the nodes.
[TaskName("Plan")]
[TaskDescription("Shows what every target up to BootstrapCluster would change, locally and on each node, using read-only checks")]
public sealed class PlanTask : AsyncFrostingTask<BuildContext>
{
    private const string NotYetBuilt = "install its new bundle (which files differ is known once Package has built it)";

    public override async Task RunAsync(BuildContext context)
    {
        var forecast = ArtifactForecast.Make(context.Cluster, context.Artifacts, context.Clock);
        foreach (var change in forecast.Changes) context.Log.Information("{0} would {1}", change.Task, change.What);

        // The version DownloadEtcd would leave in place: what obtained.json records, or the one described.
        var target = DownloadForecast.WouldDo(context.Artifacts, context.Cluster.Etcd, context.Clock) is null
            ? EtcdBinaries.Load(context.Artifacts).ParsedVersion
            : context.Cluster.Etcd.Version;
        var upgrade = await UpgradeCheck.DecideAsync(context.Cluster, ClusterIdentities.Operator(context.Cluster, context.Artifacts), target, default);
        switch (upgrade.Kind)
        {
            case UpgradeDecision.Kind.Refused:
                context.Log.Information("[cluster] would refuse the version change, before touching any node: {0}", upgrade.Reason);
                context.Log.Information("Plan: DeployNodes would stop there; nothing on the nodes would change");
                return;
            case UpgradeDecision.Kind.Upgrade:
                context.Log.Information("[cluster] would upgrade etcd {0} -> {1}", upgrade.From, upgrade.To);
                context.Log.Information("[cluster] member order: {0} (followers first, the leader last; each ready before the next)", string.Join(", ", upgrade.Order));
                context.Log.Information("[cluster] backup first: {0}", context.Backups.PredictedName(context.Clock.GetUtcNow()));
                break;
        }

        var applied = AppliedNodes.Read(context.Artifacts, context.Cluster.Etcd);
        var live = Directory.Exists(context.Artifacts.Pki)
            ? await new ClusterMembers(ClusterIdentities.Operator(context.Cluster, context.Artifacts), context.Clock)
                .TryListAsync(context.Cluster.Nodes.Concat(applied).Select(n => n.ClientUrl), default)
            : null;

        var plans = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var container = context.Services.ContainerOf(node);
            var state = await context.Services.Of(node, shell).StateAsync(default);
            IReadOnlyList<string> image = container is null ? [] : await MemberImage.PlannedAsync(node, shell, context.PathsOf(node), container, default);
            if (forecast.InstallPlanOf(node) is not { } install)
            {
                // Renewed leaves alone keep the restart fingerprint, so it is known before Package has run.
                var startup = forecast.StartupPlanOf(node) is { } known ? (known with { ImageId = container?.Image?.Id }).Fingerprint : null;
                return ((IReadOnlyList<string>)[NotYetBuilt, .. image], state, startup);
            }
            install = install with { ImageId = container?.Image?.Id };
            // An upgrading member's new files would be staged beside the old ones until its turn.
            var files = await new NodeDeployer(shell, upgrade.Changes(node.Name) ? StagedBinaries.Stage(install) : install).PlanAsync(default);
            return ((IReadOnlyList<string>)[.. files.Changes, .. image], state, install.Fingerprint);
        });
        var hasData = plans.ToDictionary(p => p.Node.Name, p => p.Result.state.HasData);
        // BootstrapCluster's rules: which nodes it starts as members, what each of them needs, and the membership changes.
        var founders = MembershipDiff.Founders(context.Cluster.Nodes, live, applied, n => hasData[n.Name]);
        var total = forecast.Changes.Count;
        foreach (var (node, (changes, state, fingerprint)) in plans)
        {
            var action = founders.Contains(node) ? MemberStarter.Decide(state, fingerprint).Planned() : null;
            foreach (var change in changes) context.Log.Information("[{0}] would {1}", node.Name, change);
            if (upgrade.Changes(node.Name)) context.Log.Information("[{0}] would upgrade etcd to {1} at its turn (new binaries staged beside the old until then)", node.Name, upgrade.To);
            else if (action is not null) context.Log.Information("[{0}] would {1}", node.Name, action);
            if (changes.Count == 0 && action is null) context.Log.Information("[{0}] no changes", node.Name);
            total += changes.Count + (action is null ? 0 : 1);
        }
        if (live is not null)
        {
            foreach (var problem in MembershipDiff.LostData(context.Cluster.Nodes, live, n => hasData[n.Name])) context.Log.Warning("{0}", problem);
            var diff = MembershipDiff.Of(context.Cluster.Nodes, live);
            foreach (var conflict in diff.Conflicts) context.Log.Warning("{0}", conflict);
            for (var i = 0; i < diff.Changes.Count; i++)
            {
                context.Log.Information("membership change {0} of {1}: would {2}", i + 1, diff.Changes.Count, diff.Changes[i].Describe(context.Options.Yes));
            }
            total += diff.Changes.Count;
        }
        await PlanRotationAsync(context);
        context.Log.Information(total == 0 ? "Plan: nothing to change" : $"Plan: {total} change(s); nothing was changed");
    }

    // RotateCa's next step, by its own rule, when a rotation is under way or due (or asked for with --force).
    private static async Task PlanRotationAsync(BuildContext context)
    {
        if (!File.Exists(context.Artifacts.CaCert)) return;
        var rotation = new CaRotation(context.Artifacts, context.Cluster.Pki, context.Clock);
        var served = rotation.Stage == CaStage.None ? null
            : await new RotationProbe(context.Cluster, context.Artifacts, context.Clock).LookAsync(rotation, default);
        var (step, why) = RotationPhase.Decide(rotation.Stage, context.Options.Force || rotation.Due(CertificateAuthority.Load(context.Artifacts)), served);
        if (step != RotationStep.NothingDue) context.Log.Information("RotateCa would {0}: {1}", step, why);
    }
}
