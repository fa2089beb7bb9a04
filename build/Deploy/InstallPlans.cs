using System.Collections.Concurrent;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Nodes;

namespace EtcdForge.Deploy;

// Per-node install state for one run, read from the bundles Package wrote (RotateCa packages up to three times
// in a run). A plan is read afresh when asked for rather than kept for the run (a re-packaged bundle must be seen);
// its fingerprint, all BootstrapCluster needs, is kept from the latest read (DeployNodes reads it each time).
// imageIdOf: the image a docker member runs (part of what it should hold); null for other members.
public sealed class InstallPlans(Cluster cluster, ArtifactLayout layout, Func<Node, string?> imageIdOf)
{
    private readonly ConcurrentDictionary<string, string> _fingerprints = new();

    // What the node should hold: its bundle mapped onto its paths.
    public NodeInstallPlan Of(Node node)
    {
        var plan = NodeInstallPlan.FromBundle(node, NodePaths.For(node, cluster, layout), layout.NodeBundle(node.Name),
            new Packaging.GzipMembers(layout.CompressedMembers), imageIdOf(node));
        _fingerprints[node.Name] = plan.Fingerprint;
        return plan;
    }

    // The fingerprint of what DeployNodes installs; the bundle is read only when no plan was made this run.
    public string FingerprintOf(Node node) => _fingerprints.TryGetValue(node.Name, out var known) ? known : Of(node).Fingerprint;
}
