using EtcdForge.Docker;
using EtcdForge.Artifacts;
using EtcdForge.Remote;

namespace EtcdForge.Services;

// etcd in a container (ContainerSpec says how it is made). The fingerprint of the files and image it was created
// with is a label on the container, so a re-run leaves a current container alone and replaces an outdated one
// (MemberStarter decides, RollingRestart paces). The member's data lives on the node, never in the container.
public sealed class DockerService(INodeShell shell, NodePaths paths, MemberContainer container, IDockerEngine engine) : EtcdService(shell, paths)
{
    private const int LogLines = 5;

    public override async Task<bool> IsRunningAsync(CancellationToken ct) => (await engine.InspectAsync(container.Name, ct)) is { Running: true };

    public override async Task<MemberState> StateAsync(CancellationToken ct)
    {
        var state = await engine.InspectAsync(container.Name, ct);
        var hasData = (await Shell.RunAsync(HasDataTest, ct)).Succeeded;
        return new MemberState(state is { Running: true }, hasData, state?.Fingerprint);
    }

    public override async Task StartAsync(CancellationToken ct, string? fingerprint = null, string? joinCluster = null)
    {
        // Not built yet: the container's config is part of its image spec, with no join copy beside it.
        if (joinCluster is not null) throw new NodeError(Shell.NodeName, "adding a member that runs in a container to a running cluster is not supported yet; add it with service: process or systemd");
        var existing = await engine.InspectAsync(container.Name, ct);
        if (existing is not null && fingerprint is not null && existing.Fingerprint == fingerprint)
        {
            await engine.StartAsync(container.Name, ct); // stopped or killed, but made from the deployed files: start it again
        }
        else
        {
            if (existing is not null) await engine.RemoveAsync(container.Name, ct);
            await engine.CreateAndStartAsync(await SpecAsync(fingerprint, ct), ct);
        }
        // etcd refuses a bad config, a taken port or an unreadable key within moments; report that here, with its
        // log, rather than after BootstrapCluster's whole wait. Stopped, so the restart policy does not loop on it.
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        var after = await engine.InspectAsync(container.Name, ct);
        if (after is not { Steady: true })
        {
            var log = await engine.LogsAsync(container.Name, LogLines, ct);
            await engine.StopAsync(container.Name, ct);
            throw new NodeError(Shell.NodeName, $"etcd's container {container.Name} exited right after start" +
                                 (after is null ? "" : $" (exit code {after.ExitCode}; full log: docker logs {container.Name})") +
                                 $"; last log lines: {string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
        }
    }

    public override Task StopAsync(CancellationToken ct) => engine.RemoveAsync(container.Name, ct);

    public override Task<string> RecentLogAsync(int lines, CancellationToken ct) => engine.LogsAsync(container.Name, lines, ct);

    public override string LogLocation => $"docker logs {container.Name}";

    // The container runs as whoever owns the member's certificates: the etcd user that DeployNodes gave them to
    // (or the build's own user when it is not root). Its data dir is made for that user if it is missing (the
    // single-node test's is), since the engine would create a missing bind source as root.
    private async Task<ContainerSpec> SpecAsync(string? fingerprint, CancellationToken ct)
    {
        var data = ShellQuote.Arg(Paths.DataDir);
        var owner = (await Shell.RunAsync($$"""
            set -e
            owner=$(stat -c %u:%g {{ShellQuote.Arg(Paths.SslDir)}})
            if [ ! -d {{data}} ]; then mkdir -p {{data}} && chmod 0700 {{data}} && chown "$owner" {{data}}; fi
            echo "$owner"
            """, ct)).EnsureSuccess("finding the etcd user's uid").Stdout.Trim();
        if (owner.StartsWith("0:", StringComparison.Ordinal))
        {
            throw new NodeError(Shell.NodeName, $"{Paths.SslDir} belongs to root, and etcd's container must not run as root; run DeployNodes as root so the etcd user owns it");
        }
        var mounts = new List<Mount> { new(Paths.ConfigDir, Writable: false) };
        if (!Paths.SslDir.StartsWith(Paths.ConfigDir + "/", StringComparison.Ordinal)) mounts.Add(new Mount(Paths.SslDir, Writable: false));
        mounts.Add(new Mount(Paths.DataDir, Writable: true));
        var labels = new Dictionary<string, string> { [Labels.Cluster] = container.Cluster, [Labels.Member] = container.Member };
        if (fingerprint is not null) labels[Labels.Fingerprint] = fingerprint;
        return new ContainerSpec(container.Name, container.BuiltImage.Id, owner, mounts, ["--config-file", Paths.ConfigFile], labels);
    }
}
