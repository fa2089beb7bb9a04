using Cake.Frosting;
using EtcdForge.Download;
using EtcdForge.Packaging;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("Package")]
[TaskDescription("Packs an offline install bundle per node and a client bundle under artifacts/<cluster>/bundles/")]
public sealed class PackageTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var layout = context.Artifacts;
        // The obtained etcd, not the configured one: a distribution fallback may have brought another version.
        var etcd = EtcdBinaries.Load(layout);
        var summary = new ChangeSummary("Package", context.Log);
        foreach (var node in context.Cluster.Nodes)
        {
            Write(summary, layout.NodeBundle(node.Name), NodeBundleBuilder.Build(node, context.Cluster, layout, etcd));
        }
        Write(summary, layout.ClientBundle, ClientBundleBuilder.Build(context.Cluster, layout, etcd));
        summary.Finish();
    }

    private static void Write(ChangeSummary summary, string path, IReadOnlyList<BundleEntry> entries)
    {
        var why = BundleFile.WriteIfChanged(path, entries);
        if (why is null) summary.Unchanged(path);
        else summary.Record(path, why);
    }
}
