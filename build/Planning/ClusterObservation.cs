using EtcdForge.Configuration;
using EtcdForge.Deploy;
using EtcdForge.Membership;
using EtcdForge.Services;
using EtcdForge.Upgrade;

namespace EtcdForge.Planning;

/// <summary>What ClusterObserver read, read-only, for the planner: the artifacts' forecast and each node's and
/// the cluster's state. Nothing in it is a decision.</summary>
public sealed record ClusterObservation(
    ArtifactForecast Artifacts,
    EtcdVersion TargetVersion,
    IReadOnlyList<UpgradeDecision.Member> Versions,
    IReadOnlyList<string> ClusterAlarms,
    IReadOnlyList<LiveMember>? Live,
    IReadOnlyList<string> MembershipAlarms,
    IReadOnlyList<Node> Applied,
    IReadOnlyList<NodeObservation> Nodes,
    RotationObservation? Rotation);

/// <param name="Compared">the node's files compared with its built bundle; null when the bundle is still to be
/// built (Package has changes for it), so which files differ is not known yet.</param>
/// <param name="Fingerprint">the restart fingerprint of what the node would run; null when not known yet.</param>
/// <param name="ImageChanges">what a docker member's engine lacks of the image (empty for other members).</param>
/// <param name="Unreadable">why the node could not be read; null when it was.</param>
public sealed record NodeObservation(Node Node, EtcdService.MemberState State, NodeDeployer.Outcome? Compared, string? Fingerprint,
    IReadOnlyList<string> ImageChanges, string? Unreadable = null)
{
    public static NodeObservation Unread(Node node, NodeError error) =>
        new(node, new EtcdService.MemberState(false, false, null), null, null, [], error.Detail);
}

/// <param name="Requested">a rotation is asked for (--force) or due (the CA is within renewBefore).</param>
/// <param name="Served">what members show of a rotation under way; null when none is.</param>
public sealed record RotationObservation(Pki.CaStage Stage, bool Requested, Rotation.ServedView? Served);
