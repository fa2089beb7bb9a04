using EtcdForge.Artifacts;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Deploy;
using EtcdForge.Docker;
using EtcdForge.Download;
using EtcdForge.Membership;
using EtcdForge.Nodes;
using EtcdForge.Pki;
using EtcdForge.Rotation;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Planning;

/// <summary>Reads, without changing anything, what the planner decides from: the artifacts (by each local
/// task's own forecast), each node's member state and files, the running cluster's members, versions and alarms,
/// and a CA rotation's progress.</summary>
public sealed class ClusterObserver(Cluster cluster, ArtifactLayout layout, TimeProvider clock, NodeFanOut nodes, EtcdServices services)
{
    /// <param name="rotation">read a CA rotation's progress too (Plan for RotateCa).</param>
    /// <param name="renewAllLeaves">IssueCerts would renew every leaf (--force with RenewCerts).</param>
    public async Task<ClusterObservation> ObserveAsync(bool rotation, bool forceRotation, bool renewAllLeaves, CancellationToken ct)
    {
        var forecast = ArtifactForecast.Make(cluster, layout, clock, renewAllLeaves);
        // The version DownloadEtcd leaves in place: what obtained.json records, or the one described.
        var target = forecast.DownloadPending ? cluster.Etcd.Version : EtcdBinaries.Load(layout).ParsedVersion;
        var identity = ClusterIdentities.Operator(cluster, layout);
        // No CA or client certificate yet: nothing can be running that this cluster could talk to.
        var hasPki = File.Exists(identity.CaCertFile) && File.Exists(identity.CertFile) && File.Exists(identity.KeyFile);
        var facts = hasPki ? await ClusterFacts.ReadAsync(cluster, identity, ct) : null;
        var versions = facts?.Members.Select(m => new UpgradeDecision.Member(m.Node.Name,
            EtcdVersion.TryParse(m.Version, out var v) ? v : null, m.Healthy, m.IsLeader, m.Detail)).ToList() ?? [];

        // Compared with what DeployNodes would install: an upgrading member's new binaries are staged.
        var upgrade = UpgradeDecision.Decide(versions, target, facts?.Alarms ?? []);
        var applied = AppliedNodes.Read(layout, cluster.Etcd);
        var endpoints = cluster.Nodes.Concat(applied).Select(n => n.ClientUrl).Distinct().ToList();
        var members = new ClusterMembers(identity, clock);
        var live = hasPki ? await members.TryListAsync(endpoints, ct) : null;
        var alarms = live is null ? [] : await members.TryAlarmsAsync(endpoints, ct) ?? [];

        // A node that cannot be read (unreachable, a refused host key) is observed as such: DeployNodes then tries it
        // and reports it on its own line while the other nodes finish, as it would without a plan.
        var observed = await nodes.RunEachAsync(async (node, shell) =>
        {
            var container = services.ContainerOf(node);
            var state = await services.Of(node, shell).StateAsync(ct);
            IReadOnlyList<string> image = container is null ? [] : await MemberImage.PlannedAsync(node, shell, services.PathsOf(node), container, ct);
            if (forecast.InstallPlanOf(node) is not { } install)
            {
                // Renewed leaves alone keep the restart fingerprint, so it is known before Package has run.
                var startup = forecast.StartupPlanOf(node) is { } known ? (known with { ImageId = container?.Image?.Id }).Fingerprint : null;
                return new NodeObservation(node, state, null, startup, image);
            }
            install = install with { ImageId = container?.Image?.Id };
            var compared = await new NodeDeployer(shell, StagedBinaries.AsDeployed(install, upgrade)).PlanAsync(ct);
            return new NodeObservation(node, state, compared, install.Fingerprint, image);
        });
        return new ClusterObservation(forecast, target, versions, facts?.Alarms ?? [], live, alarms, applied,
            [.. observed.Select(o => o.Result ?? NodeObservation.Unread(o.Node, o.Error!))], File.Exists(layout.CaCert) ? await RotationAsync(forceRotation, probe: rotation && hasPki, ct) : null);
    }

    // The members are asked only when the rotation's steps are planned: the probe makes a TLS handshake per member.
    private async Task<RotationObservation> RotationAsync(bool force, bool probe, CancellationToken ct)
    {
        var rotation = new CaRotation(layout, cluster.Pki, clock);
        var served = rotation.Stage == CaStage.None || !probe ? null : await new RotationProbe(cluster, layout, clock).LookAsync(rotation, ct);
        return new RotationObservation(rotation.Stage, rotation.Requested(force), served);
    }
}
