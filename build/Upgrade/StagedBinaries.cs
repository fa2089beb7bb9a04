using EtcdForge.Deploy;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Upgrade;

// During an upgrade a member's new binaries and its config for the new version are uploaded beside the old ones
// (NAME.next) and swapped in only at that member's turn, just before its restart. Until then the member runs,
// and would boot after a crash, from the old files: it never runs from deleted files, and never comes up in a
// version it was not meant to have yet.
public static class StagedBinaries
{
    public const string Suffix = ".next";

    public static bool IsVersioned(DesiredFile file, NodePaths paths) =>
        Path.GetDirectoryName(file.Path) == paths.BinDir || file.Path == paths.ConfigFile;

    /// <summary>What DeployNodes installs on a node: its plan, staged when the upgrade changes the node's etcd.</summary>
    public static NodeInstallPlan AsDeployed(NodeInstallPlan plan, UpgradeDecision.Result upgrade) =>
        upgrade.Changes(plan.Node.Name) ? Stage(plan) : plan;

    public static NodeInstallPlan Stage(NodeInstallPlan plan) =>
        plan.WithFiles(plan.Files.Select(f => IsVersioned(f, plan.Paths) ? f with { Path = f.Path + Suffix } : f).ToList());

    /// <summary>Moves every staged file over its real name (each a rename: atomic). Nothing staged: nothing done.</summary>
    public static async Task PromoteAsync(INodeShell shell, NodeInstallPlan plan, CancellationToken ct)
    {
        var moves = plan.Files.Where(f => IsVersioned(f, plan.Paths))
            .Select(f => $"if [ -f {ShellQuote.Arg(f.Path + Suffix)} ]; then mv -f {ShellQuote.Arg(f.Path + Suffix)} {ShellQuote.Arg(f.Path)}; fi");
        (await shell.RunAsync("set -e\n" + string.Join("\n", moves), ct)).EnsureSuccess("swapping in the staged etcd binaries");
    }
}
