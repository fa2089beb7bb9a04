using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Client;
using EtcdForge.Deploy;
using EtcdForge.Membership;
using EtcdForge.Docker;
using EtcdForge.Planning;
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

        var etcd = context.Cluster.Etcd;
        var applied = AppliedNodes.Read(context.Artifacts);
        var live = Directory.Exists(context.Artifacts.Pki)
            ? await new ClusterMembers(ClusterIdentities.Operator(context.Cluster, context.Artifacts), context.Clock)
                .TryListAsync(context.Cluster.Nodes.Concat(applied).Select(n => n.ClientUrl(etcd.ClientPort)), default)
            : null;
        var plans = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var container = context.ContainerOf(node);
            var state = await EtcdService.For(node, shell, context.PathsOf(node), container).StateAsync(default);
            IReadOnlyList<string> image = container is null ? [] : await MemberImage.PlannedAsync(node, shell, context.PathsOf(node), container, default);
            if (forecast.InstallPlanOf(node) is not { } install)
            {
                // Renewed leaves alone keep the restart fingerprint, so it is known before Package has run.
                var startup = forecast.StartupPlanOf(node) is { } known ? (known with { ImageId = container?.Image?.Id }).Fingerprint : null;
                return ((IReadOnlyList<string>)[NotYetBuilt, .. image], state, startup);
            }
            install = install with { ImageId = container?.Image?.Id };
            var files = await new NodeDeployer(shell, install).PlanAsync(default);
            return ((IReadOnlyList<string>)[.. files.Changes, .. image], state, install.Fingerprint);
        });
        var hasData = plans.ToDictionary(p => p.Node.Name, p => p.Result.state.HasData);
        // BootstrapCluster's rules: which nodes it starts as members, what each of them needs, and the membership changes.
        var founders = MembershipDiff.Founders(context.Cluster.Nodes, live, applied, etcd.PeerPort, n => hasData[n.Name]);
        var total = forecast.Changes.Count;
        foreach (var (node, (changes, state, fingerprint)) in plans)
        {
            var action = founders.Contains(node) ? MemberStarter.Decide(state, fingerprint).Planned() : null;
            foreach (var change in changes) context.Log.Information("[{0}] would {1}", node.Name, change);
            if (action is not null) context.Log.Information("[{0}] would {1}", node.Name, action);
            if (changes.Count == 0 && action is null) context.Log.Information("[{0}] no changes", node.Name);
            total += changes.Count + (action is null ? 0 : 1);
        }
        if (live is not null)
        {
            foreach (var problem in MembershipDiff.LostData(context.Cluster.Nodes, live, etcd.PeerPort, n => hasData[n.Name])) context.Log.Warning("{0}", problem);
            var diff = MembershipDiff.Of(context.Cluster.Nodes, live, etcd.PeerPort);
            foreach (var conflict in diff.Conflicts) context.Log.Warning("{0}", conflict);
            for (var i = 0; i < diff.Changes.Count; i++)
            {
                context.Log.Information("membership change {0} of {1}: would {2}", i + 1, diff.Changes.Count, diff.Changes[i].Describe(context.Options.Yes));
            }
            total += diff.Changes.Count;
        }
        context.Log.Information(total == 0 ? "Plan: nothing to change" : $"Plan: {total} change(s); nothing was changed");
    }
}
