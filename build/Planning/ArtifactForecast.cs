using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Deploy;
using EtcdForge.Download;
using EtcdForge.Image;
using EtcdForge.Nodes;
using EtcdForge.Packaging;
using EtcdForge.Pki;

namespace EtcdForge.Planning;

// What DownloadEtcd, InitCa, IssueCerts and Package would change under artifacts/, found without writing
// anything, each by the same rule its task applies. It also knows what each node's bundle would hold, so Plan
// can compare that with the node before Package has run; a bundle whose etcd or certificates change first
// cannot be known yet.
public sealed class ArtifactForecast
{
    private readonly Dictionary<string, NodeInstallPlan?> _installs = [];
    private readonly Dictionary<string, NodeInstallPlan?> _startupPlans = [];

    /// <summary>The local tasks' steps, in task order.</summary>
    public List<PlanStep> Steps { get; } = [];

    /// <summary>DownloadEtcd would obtain another etcd than obtained.json records.</summary>
    public bool DownloadPending { get; private init; }

    /// <returns>what DeployNodes would install on the node; null when Package has yet to build it.</returns>
    public NodeInstallPlan? InstallPlanOf(Node node) => _installs[node.Name];

    /// <returns>a plan whose restart fingerprint is that of what DeployNodes would install; null when it cannot be
    /// known yet. Known even when only the node's leaf certificates are reissued: they are not part of it.</returns>
    public NodeInstallPlan? StartupPlanOf(Node node) => _startupPlans[node.Name];

    public static ArtifactForecast Make(Cluster cluster, ArtifactLayout layout, TimeProvider clock, bool renewAllLeaves = false)
    {
        var download = DownloadForecast.WouldDo(layout, cluster.Etcd, clock);
        var forecast = new ArtifactForecast { DownloadPending = download is not null };
        if (download is not null) forecast.Steps.Add(PlanStep.Obtain(download));
        var (ca, caChange) = new CaInitialization(layout, cluster.Pki, clock).Forecast();
        if (caChange is not null) forecast.Steps.Add(PlanStep.Ca(caChange));
        var certs = new CertificateIssuance(layout, cluster.Pki, cluster.Nodes, clock).Forecast(ca, renewAllLeaves);
        forecast.Steps.AddRange(certs.Select(PlanStep.Certificate));

        // A new etcd or a new CA goes into every bundle; a reissued certificate into its owner's.
        var etcd = download is null ? EtcdBinaries.Load(layout) : null;
        var reissued = certs.Where(c => c.Action != PrivateKeyMode.Action).Select(c => c.File).ToHashSet();
        bool Changes(params string[] files) => etcd is null || ca is null || files.Any(f => reissued.Contains(Path.GetFileName(f)));
        var with = etcd is null ? "with the etcd DownloadEtcd obtains" : ca is null ? "with the new CA" : "with the reissued certificates";
        foreach (var node in cluster.Nodes)
        {
            var bundle = layout.NodeBundle(node.Name);
            if (Changes(layout.ServerCert(node.Name), layout.PeerCert(node.Name)))
            {
                forecast.Steps.Add(PlanStep.Bundle(bundle, with));
                forecast._installs[node.Name] = null;
                forecast._startupPlans[node.Name] = etcd is null || ca is null || !LeavesExist(layout, node) ? null
                    : NodeInstallPlan.FromEntries(node, NodePaths.For(node, cluster, layout), NodeBundleBuilder.Build(node, cluster, layout, etcd), bundle);
                continue;
            }
            var entries = NodeBundleBuilder.Build(node, cluster, layout, etcd!);
            if (BundleFile.WhyItWouldChange(bundle, entries) is { } why) forecast.Steps.Add(PlanStep.Bundle(bundle, why));
            forecast._installs[node.Name] = NodeInstallPlan.FromEntries(node, NodePaths.For(node, cluster, layout), entries, bundle);
            forecast._startupPlans[node.Name] = forecast._installs[node.Name];
        }
        if (Changes([.. cluster.Pki.Clients.Select(c => layout.ClientCert(c.Name))]))
        {
            forecast.Steps.Add(PlanStep.Bundle(layout.ClientBundle, with));
        }
        else if (BundleFile.WhyItWouldChange(layout.ClientBundle, ClientBundleBuilder.Build(cluster, layout, etcd!)) is { } why)
        {
            forecast.Steps.Add(PlanStep.Bundle(layout.ClientBundle, why));
        }
        // The image holds the binaries only: a new etcd, or none written yet for this one.
        if (etcd is null || !File.Exists(EtcdImage.ArchiveOf(layout, etcd.Version)))
        {
            forecast.Steps.Add(PlanStep.Image(etcd is null ? "with the etcd DownloadEtcd obtains" : "none written yet for this etcd"));
        }
        return forecast;
    }

    private static bool LeavesExist(ArtifactLayout layout, Node node) =>
        new[] { layout.ServerCert(node.Name), layout.ServerKey(node.Name), layout.PeerCert(node.Name), layout.PeerKey(node.Name) }.All(File.Exists);
}
