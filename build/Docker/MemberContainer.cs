using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Image;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Docker;

// The container one member runs in: its name (per cluster and member, so two clusters on one engine never
// meet), the image Package built and the archive it comes from. Image is null while Package has not built it
// (Plan on a fresh artifacts dir); whatever needs it asks for BuiltImage.
public sealed record MemberContainer(string Name, string Cluster, string Member, ImageArchive.Identity? Image, string? Archive)
{
    public static MemberContainer For(Cluster cluster, Node node, ArtifactLayout layout)
    {
        var archive = File.Exists(layout.EtcdRecord) ? EtcdImage.ArchiveOf(layout, Download.EtcdBinaries.Load(layout).Version) : null;
        var image = archive is not null && File.Exists(archive) ? ImageArchive.Identify(archive) : null;
        return new MemberContainer($"etcd-forge-{cluster.Name}-{node.Name}", cluster.Name, node.Name, image, archive);
    }

    public ImageArchive.Identity BuiltImage => Image ?? throw new ForgeError(
        $"{Archive ?? "the etcd image"} is missing: run --target=Package first (member {Member} runs in a container)");

    /// <summary>SingleNodeTest's throw-away member: the same image under another name.</summary>
    public MemberContainer SingleNodeTest => this with { Name = Name + "-single-node-test" };

    /// <summary>The node's engine: the API over the local socket, or the CLI over the node's SSH shell.</summary>
    public static IDockerEngine EngineOf(Node node, INodeShell shell, NodePaths paths) =>
        node.Connection.Type == ConnectionType.Local ? new DockerApiEngine(node.Name) : new DockerCliEngine(shell, paths.RunDir);
}
