using EtcdForge.Configuration;
using EtcdForge.Remote;
using EtcdForge.Services;

namespace EtcdForge.Deploy;

// Undoes DeployNodes and BootstrapCluster on one node: stops etcd and removes exactly what was installed,
// data included. The etcd user is left in place (other software may own files as it).
public sealed class NodeRemoval(INodeShell shell, NodeInstallPlan plan, EtcdServices services)
{
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var paths = plan.Paths;
        var service = services.Of(plan.Node, shell);
        var removed = new List<string>();
        if (await service.IsRunningAsync(ct)) removed.Add("stopped etcd");
        if (services.ContainerOf(plan.Node) is { } container) removed.AddRange(await RemoveContainersAsync(container, ct));
        await service.StopAsync(ct);
        if (plan.Node.Connection.Type == ConnectionType.Local)
        {
            (await shell.RunAsync($"rm -rf {ShellQuote.Arg(paths.Root)}", ct)).EnsureSuccess("removing the sandbox node");
            removed.Add($"removed {paths.Root}");
            return removed;
        }
        if (plan.Node.Service == ServiceKind.Systemd)
        {
            await shell.RunAsync("systemctl disable --quiet etcd 2>/dev/null; true", ct);
        }
        var files = string.Join(" ", plan.Files.Select(f => f.Path).Append(paths.StartedFingerprintFile).Append(paths.ContainerJoinConfigFile).Select(ShellQuote.Arg));
        var dirs = string.Join(" ", new[] { paths.SslDir, paths.DataDir, paths.RunDir }.Select(ShellQuote.Arg));
        (await shell.RunAsync($"rm -f {files} && rm -rf {dirs} && rmdir {ShellQuote.Arg(paths.ConfigDir)} 2>/dev/null; " +
                              (plan.Node.Service == ServiceKind.Systemd ? "systemctl daemon-reload 2>/dev/null; " : "") + "true", ct))
            .EnsureSuccess("removing installed files");
        removed.Add($"removed {plan.Files.Count} installed files, {paths.SslDir}, {paths.DataDir}");
        return removed;
    }

    // The member's container, stopped or not, and a single-node test's that a killed run left behind.
    private async Task<IReadOnlyList<string>> RemoveContainersAsync(Docker.MemberContainer container, CancellationToken ct)
    {
        await using var engine = Docker.MemberContainer.EngineOf(plan.Node, shell, plan.Paths);
        var removed = new List<string>();
        foreach (var name in new[] { container.Name, container.SingleNodeTest.Name })
        {
            if (await engine.InspectAsync(name, ct) is null) continue;
            await engine.RemoveAsync(name, ct);
            removed.Add($"removed container {name}");
        }
        return removed;
    }
}
