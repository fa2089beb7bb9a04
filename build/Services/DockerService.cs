using EtcdForge.Docker;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Services;

// etcd in a container (ContainerSpec says how it is made). The fingerprint of the files and image it was created
// with is a label on the container, so a re-run leaves a current container alone and replaces an outdated one
// (MemberStarter decides, RollingRestart paces). The member's data lives on the node, never in the container.
// A member that joins a running cluster gets a container that runs the join config (Paths.ContainerJoinConfigFile)
// for the container's whole life: the engine may start it again at any time (a crash, a reboot), and etcd then
// ignores the join keys because the data dir holds the member. The next container made for the member (new files,
// a Restore) runs the deployed config, and the join config is removed.
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
        var existing = await engine.InspectAsync(container.Name, ct);
        if (joinCluster is null && existing is not null && fingerprint is not null && existing.Fingerprint == fingerprint)
        {
            await engine.StartAsync(container.Name, ct); // stopped or killed, but made from the deployed files: start it again
        }
        else
        {
            if (existing is not null) await engine.RemoveAsync(container.Name, ct);
            await engine.CreateAndStartAsync(await SpecAsync(fingerprint, joinCluster, ct), ct);
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
    // single-node test's is), since the engine would create a missing bind source as root. In the same command the
    // join config is written for a joining member, or removed for any other.
    private async Task<ContainerSpec> SpecAsync(string? fingerprint, string? joinCluster, CancellationToken ct)
    {
        var data = ShellQuote.Arg(Paths.DataDir);
        var join = joinCluster is null ? $"rm -f {ShellQuote.Arg(Paths.ContainerJoinConfigFile)}\n" : WriteJoinConfig(joinCluster, Paths.ContainerJoinConfigFile);
        var owner = (await Shell.RunAsync($$"""
            set -e
            owner=$(stat -c %u:%g {{ShellQuote.Arg(Paths.SslDir)}})
            if [ ! -d {{data}} ]; then mkdir -p {{data}} && chmod 0700 {{data}} && chown "$owner" {{data}}; fi
            {{join}}echo "$owner"
            """, ct)).EnsureSuccess("preparing the container's data dir and config").Stdout.Trim();
        if (owner.StartsWith("0:", StringComparison.Ordinal))
        {
            throw new NodeError(Shell.NodeName, $"{Paths.SslDir} belongs to root, and etcd's container must not run as root; run DeployNodes as root so the etcd user owns it");
        }
        var mounts = new List<Mount> { new(Paths.ConfigDir, Writable: false) };
        if (!Paths.SslDir.StartsWith(Paths.ConfigDir + "/", StringComparison.Ordinal)) mounts.Add(new Mount(Paths.SslDir, Writable: false));
        mounts.Add(new Mount(Paths.DataDir, Writable: true));
        var labels = new Dictionary<string, string> { [Labels.Cluster] = container.Cluster, [Labels.Member] = container.Member };
        if (fingerprint is not null) labels[Labels.Fingerprint] = fingerprint;
        return new ContainerSpec(container.Name, container.BuiltImage.Id, owner, mounts, ["--config-file", joinCluster is null ? Paths.ConfigFile : Paths.ContainerJoinConfigFile], labels);
    }
}
