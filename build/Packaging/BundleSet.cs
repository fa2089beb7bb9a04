using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;

namespace EtcdForge.Packaging;

// Every bundle of a cluster: one per node, then the client bundle.
public static class BundleSet
{
    public sealed record Outcome(string Path, string? Why)
    {
        public bool Changed => Why is not null;
    }

    public static IReadOnlyList<Outcome> Write(Cluster cluster, ArtifactLayout layout, EtcdBinaries etcd)
    {
        var outcomes = cluster.Nodes
            .Select(node => Write(layout.NodeBundle(node.Name), NodeBundleBuilder.Build(node, cluster, layout, etcd)))
            .ToList();
        outcomes.Add(Write(layout.ClientBundle, ClientBundleBuilder.Build(cluster, layout, etcd)));
        return outcomes;
    }

    private static Outcome Write(string path, IReadOnlyList<BundleEntry> entries) =>
        new(path, BundleFile.WriteIfChanged(path, entries));
}
