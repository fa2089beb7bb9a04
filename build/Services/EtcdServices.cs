using System.Collections.Concurrent;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Docker;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

// The one place a node's etcd service comes from. It knows the cluster and the artifacts, so it hands a docker
// member's service its container itself: no caller can forget it (a caller that did once made Restore fail on
// docker members with an error meant for a programmer).
public sealed class EtcdServices(Cluster cluster, ArtifactLayout artifacts)
{
    private readonly ConcurrentDictionary<string, MemberContainer> _containers = new();

    public NodePaths PathsOf(Node node) => NodePaths.For(node, cluster, artifacts);

    /// <summary>The container a docker member runs in (read once per run from the image Package wrote); null for
    /// members that do not run in one.</summary>
    public MemberContainer? ContainerOf(Node node) => node.Service == ServiceKind.Docker
        ? _containers.GetOrAdd(node.Name, _ => MemberContainer.For(cluster, node, artifacts))
        : null;

    /// <summary>How etcd is started and stopped on <paramref name="node"/>, reached through <paramref name="shell"/>.</summary>
    public EtcdService Of(Node node, INodeShell shell)
    {
        var paths = PathsOf(node);
        return ContainerOf(node) is { } container
            ? new DockerService(shell, paths, container, MemberContainer.EngineOf(node, shell, paths))
            : node.Service == ServiceKind.Systemd ? new SystemdService(shell, paths) : new ProcessService(shell, paths, node.InstallsAsSystem);
    }

    /// <summary>SingleNodeTest's throw-away member, under <paramref name="testPaths"/>: a detached process, or a
    /// container of its own from the image the cluster will run.</summary>
    public EtcdService SingleNodeTestOf(Node node, INodeShell shell, NodePaths testPaths) => ContainerOf(node) is { } container
        ? new DockerService(shell, testPaths, container.SingleNodeTest, MemberContainer.EngineOf(node, shell, testPaths))
        : new ProcessService(shell, testPaths, node.InstallsAsSystem);
}
