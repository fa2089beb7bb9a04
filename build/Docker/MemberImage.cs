using EtcdForge.Configuration;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Docker;

// The image on a docker member's engine: loaded only when the engine lacks its ID (a re-run loads nothing), and
// on Destroy removed only if no container uses it any more (another cluster's container keeps it).
public static class MemberImage
{
    /// <returns>The change made, or null when the engine had the image already.</returns>
    public static async Task<string?> EnsureLoadedAsync(Node node, INodeShell shell, NodePaths paths, MemberContainer container, CancellationToken ct)
    {
        await using var engine = MemberContainer.EngineOf(node, shell, paths);
        return await engine.LoadIfMissingAsync(container.BuiltImage.Id, container.Archive!, ct)
            ? $"load image {container.BuiltImage.Tag} ({container.BuiltImage.Id})"
            : null;
    }

    /// <summary>What DeployNodes would do about the image (Plan), from a read-only look at the engine.</summary>
    public static async Task<IReadOnlyList<string>> PlannedAsync(Node node, INodeShell shell, NodePaths paths, MemberContainer container, CancellationToken ct)
    {
        if (container.Image is not { } image) return ["load the etcd image Package will build"];
        await using var engine = MemberContainer.EngineOf(node, shell, paths);
        return await engine.HasImageAsync(image.Id, ct) ? [] : [$"load image {image.Tag} ({image.Id})"];
    }

    public static async Task<string?> RemoveAsync(Node node, INodeShell shell, NodePaths paths, MemberContainer container, CancellationToken ct)
    {
        if (container.Image is null) return null; // never built, so never loaded by this cluster
        await using var engine = MemberContainer.EngineOf(node, shell, paths);
        return await engine.RemoveImageAsync(container.BuiltImage.Id, ct) switch
        {
            ImageRemoval.Removed => $"removed image {container.BuiltImage.Tag} ({container.BuiltImage.Id})",
            ImageRemoval.InUse => $"kept image {container.BuiltImage.Tag}: containers outside this cluster still use it",
            _ => null,
        };
    }

    /// <summary>One docker member per engine: local members share this machine's, each SSH node has its own.</summary>
    public static IEnumerable<Node> OnePerEngine(IEnumerable<Node> nodes) =>
        nodes.Where(n => n.Service == ServiceKind.Docker).DistinctBy(n => n.Connection.Type == ConnectionType.Local ? "" : n.Name);
}
