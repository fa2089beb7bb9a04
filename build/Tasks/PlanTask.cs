using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Deploy;
using EtcdForge.Docker;
using EtcdForge.Pki;
using EtcdForge.Planning;
using EtcdForge.Rotation;
using EtcdForge.Services;

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

        var plans = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var container = context.ContainerOf(node);
            var service = EtcdService.For(node, shell, context.PathsOf(node), container);
            IReadOnlyList<string> image = container is null ? [] : await MemberImage.PlannedAsync(node, shell, context.PathsOf(node), container, default);
            if (forecast.InstallPlanOf(node) is not { } install)
            {
                // Renewed leaves alone keep the restart fingerprint, so it is known before Package has run.
                var startup = forecast.StartupPlanOf(node) is { } known ? (known with { ImageId = container?.Image?.Id }).Fingerprint : null;
                return ((IReadOnlyList<string>)[NotYetBuilt, .. image], MemberStarter.Decide(await service.StateAsync(default), startup).Planned());
            }
            install = install with { ImageId = container?.Image?.Id };
            var files = await new NodeDeployer(shell, install).PlanAsync(default);
            // BootstrapCluster's decision, from the same state read, for the files DeployNodes would leave there.
            return ((IReadOnlyList<string>)[.. files.Changes, .. image], (await new MemberStarter(service, install.Fingerprint).DecideAsync(default)).Planned());
        });
        var total = forecast.Changes.Count;
        foreach (var (node, (changes, action)) in plans)
        {
            foreach (var change in changes) context.Log.Information("[{0}] would {1}", node.Name, change);
            if (action is not null) context.Log.Information("[{0}] would {1}", node.Name, action);
            if (changes.Count == 0 && action is null) context.Log.Information("[{0}] no changes", node.Name);
            total += changes.Count + (action is null ? 0 : 1);
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
