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
        var members = new GzipMembers(layout.CompressedMembers);
        var bundles = cluster.Nodes
            .Select(node => (Path: layout.NodeBundle(node.Name), Entries: NodeBundleBuilder.Build(node, cluster, layout, etcd)))
            .Append((Path: layout.ClientBundle, Entries: ClientBundleBuilder.Build(cluster, layout, etcd)))
            .ToList();
        var outcomes = new Outcome[bundles.Count];
        try
        {
            // Compressing the binaries is the costly part: each distinct one once (or never, when the cache has it),
            // side by side, before the bundles that copy them. Bundles do not depend on each other.
            var binaries = bundles.SelectMany(b => b.Entries).Where(e => e.IsLarge).DistinctBy(e => (e.Path, e.SourceFile, e.Mode)).ToList();
            Parallel.ForEach(binaries, Parallelism, entry => members.PathOf(entry));
            Parallel.For(0, bundles.Count, Parallelism,
                i => outcomes[i] = new Outcome(bundles[i].Path, BundleFile.WriteIfChanged(bundles[i].Path, bundles[i].Entries, members)));
        }
        catch (AggregateException failed)
        {
            // Surface the bundle's own error (e.g. a missing certificate as one ForgeError line), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(
                failed.InnerExceptions.OfType<ForgeError>().FirstOrDefault() ?? failed.InnerExceptions[0]).Throw();
        }
        return outcomes;
    }

    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };
}
