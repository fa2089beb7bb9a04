using EtcdForge.Configuration;
using EtcdForge.Deploy;
using EtcdForge.Nodes;
using EtcdForge.Remote;
using EtcdForge.Services;

namespace EtcdForge.Membership;

// What a membership change does on a member's node: its etcd service, the fingerprint it starts with, wiping its
// data dir, and removing everything DeployNodes installed (from the node's bundle when Package still has it).
public sealed class MemberNodes(NodeShellPool shells, EtcdServices services, Func<Node, string> fingerprintOf, Func<Node, string> bundleOf)
{
    public async Task<EtcdService> ServiceAsync(Node node, CancellationToken ct) => services.Of(node, await shells.GetAsync(node, ct));

    private NodePaths PathsOf(Node node) => services.PathsOf(node);

    public string FingerprintOf(Node node) => fingerprintOf(node);

    public string DataDirOf(Node node) => PathsOf(node).DataDir;

    public async Task WipeDataAsync(Node node, CancellationToken ct)
    {
        var shell = await shells.GetAsync(node, ct);
        var dataDir = ShellQuote.Arg(PathsOf(node).DataDir);
        (await shell.RunAsync($"[ ! -d {dataDir} ] || find {dataDir} -mindepth 1 -delete", ct)).EnsureSuccess("wiping the data dir");
    }

    public async Task<IReadOnlyList<string>> RemoveAsync(Node node, CancellationToken ct)
    {
        var shell = await shells.GetAsync(node, ct);
        var bundle = bundleOf(node);
        var plan = File.Exists(bundle)
            ? NodeInstallPlan.FromBundle(node, PathsOf(node), bundle)
            : new NodeInstallPlan(node, PathsOf(node), []);
        var removed = await new NodeRemoval(shell, plan, services).RunAsync(ct);
        return File.Exists(bundle) ? removed : [.. removed, $"its bundle {bundle} is gone, so the installed binaries and config under {PathsOf(node).Root} were left"];
    }

    public async Task ForgetAsync(Node node) => await shells.ForgetAsync(node);
}
