using EtcdForge.Deploy;
using EtcdForge.Docker;

namespace EtcdForge.Tasks;

[TaskName("Destroy")]
[TaskDescription("Stops every member and removes what DeployNodes installed, data included; needs --yes")]
public sealed class DestroyTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        if (!context.Options.Yes)
        {
            throw new ForgeError($"Destroy deletes cluster '{context.Cluster.Name}' and its data on {context.Cluster.Nodes.Count} node(s); add --yes to confirm");
        }
        var results = await context.Nodes.RunAsync(async (node, shell) =>
        {
            var plan = context.InstallPlans.Of(node);
            return await new NodeRemoval(shell, plan, context.Services).RunAsync(default);
        });
        foreach (var (node, lines) in results)
        {
            foreach (var line in lines) context.Log.Information("[{0}] {1}", node.Name, line);
        }
        // Once every container of the cluster is gone, so that its own members no longer hold the image.
        var engines = MemberImage.OnePerEngine(context.Cluster.Nodes).ToList();
        var images = await context.NodesOf([.. engines]).RunAsync((node, shell) =>
            MemberImage.RemoveAsync(node, shell, context.PathsOf(node), context.Services.ContainerOf(node)!, default));
        foreach (var (node, line) in images)
        {
            if (line is not null) context.Log.Information("[{0}] {1}", node.Name, line);
        }
        context.Log.Information("Destroy: cluster '{0}' removed from its nodes; artifacts/ (CA, certificates, bundles) kept", context.Cluster.Name);
    }
}
