namespace EtcdForge.Docker;

// The few things etcd-forge asks of a node's Docker engine. Locally it is the Engine API over the Unix socket
// (DockerApiEngine, Docker.DotNet); over SSH it is the docker CLI on the node (DockerCliEngine), see there why.
public interface IDockerEngine : IAsyncDisposable
{
    /// <summary>null when there is no such container.</summary>
    Task<ContainerState?> InspectAsync(string container, CancellationToken ct);

    Task<bool> HasImageAsync(string imageId, CancellationToken ct);

    /// <summary>Loads the archive unless the engine has the image already; true when it was loaded.</summary>
    Task<bool> LoadIfMissingAsync(string imageId, string archive, CancellationToken ct);

    Task CreateAndStartAsync(ContainerSpec spec, CancellationToken ct);

    Task StartAsync(string container, CancellationToken ct);

    /// <summary>Stops the container and keeps it (for its logs); nothing happens when it is absent.</summary>
    Task StopAsync(string container, CancellationToken ct);

    /// <summary>Stops and removes the container; nothing happens when it is absent.</summary>
    Task RemoveAsync(string container, CancellationToken ct);

    Task<string> LogsAsync(string container, int lines, CancellationToken ct);

    Task<ImageRemoval> RemoveImageAsync(string imageId, CancellationToken ct);
}

public sealed record ContainerState(bool Running, bool Restarting, long RestartCount, long ExitCode, string? Fingerprint)
{
    /// <summary>Up, and never restarted by its restart policy since it was started.</summary>
    public bool Steady => Running && !Restarting && RestartCount == 0;
}

public enum ImageRemoval { Removed, Absent, InUse }
