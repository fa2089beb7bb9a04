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
        // Compressing the binaries is the costly part: it happens once (shared), and bundles do not depend on each other.
        var shared = new GzipMembers();
        var jobs = cluster.Nodes
            .Select(node => (Func<Outcome>)(() => Write(layout.NodeBundle(node.Name), NodeBundleBuilder.Build(node, cluster, layout, etcd), shared)))
            .Append(() => Write(layout.ClientBundle, ClientBundleBuilder.Build(cluster, layout, etcd), shared))
            .ToList();
        var outcomes = new Outcome[jobs.Count];
        try
        {
            Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => outcomes[i] = jobs[i]());
        }
        catch (AggregateException failed)
        {
            // Surface the bundle's own error (e.g. a missing certificate as one ForgeError line), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(
                failed.InnerExceptions.OfType<ForgeError>().FirstOrDefault() ?? failed.InnerExceptions[0]).Throw();
        }
        return outcomes;
    }

    private static Outcome Write(string path, IReadOnlyList<BundleEntry> entries, GzipMembers shared) =>
        new(path, BundleFile.WriteIfChanged(path, entries, shared));
}
