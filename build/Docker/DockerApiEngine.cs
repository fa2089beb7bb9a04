using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace EtcdForge.Docker;

// The local node's engine through its Unix socket with Docker.DotNet (the Engine API: no CLI needed on the build
// machine). DOCKER_HOST is honoured when it names a unix:// socket, as the docker CLI would.
public sealed class DockerApiEngine(string nodeName) : IDockerEngine
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    // Local members share one engine; loading the image once is enough however many of them deploy at once.
    private static readonly SemaphoreSlim LoadGate = new(1, 1);

    // One client per socket for the run (members share it), never disposed before the process ends.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DockerClient> Clients = new();

    private readonly string _endpoint = Endpoint();

    private DockerClient Client => Clients.GetOrAdd(_endpoint, e => new DockerClientConfiguration(new Uri(e)).CreateClient());

    public static string Endpoint() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal) ? host : DefaultSocket;

    public Task<ContainerState?> InspectAsync(string container, CancellationToken ct) => Call("inspecting container " + container, async () =>
    {
        try
        {
            var c = await Client.Containers.InspectContainerAsync(container, ct);
            var labels = c.Config?.Labels ?? new Dictionary<string, string>();
            return (ContainerState?)new ContainerState(c.State.Running, c.State.Restarting, c.RestartCount, c.State.ExitCode,
                labels.TryGetValue(Labels.Fingerprint, out var f) ? f : null);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    });

    public Task<bool> HasImageAsync(string imageId, CancellationToken ct) => Call("looking up image " + imageId, async () =>
    {
        try
        {
            await Client.Images.InspectImageAsync(imageId, ct);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    });

    private Task LoadImageAsync(string archive, CancellationToken ct) => Call("loading " + archive, async () =>
    {
        await using var stream = File.OpenRead(archive);
        await Client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, stream, new Progress<JSONMessage>(), ct);
        return true;
    });

    // Serialised with the check, so concurrent deploys of local members load it once and report it once.
    public async Task<bool> LoadIfMissingAsync(string imageId, string archive, CancellationToken ct)
    {
        await LoadGate.WaitAsync(ct);
        try
        {
            if (await HasImageAsync(imageId, ct)) return false;
            await LoadImageAsync(archive, ct);
            return true;
        }
        finally
        {
            LoadGate.Release();
        }
    }

    public Task CreateAndStartAsync(ContainerSpec spec, CancellationToken ct) => Call("creating container " + spec.Name, async () =>
    {
        var created = await Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            User = spec.User,
            Cmd = [.. spec.Command],
            Labels = spec.Labels.ToDictionary(),
            HostConfig = new HostConfig
            {
                NetworkMode = ContainerSpec.NetworkMode,
                Binds = [.. spec.Binds],
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.UnlessStopped },
                ReadonlyRootfs = true,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
            },
        }, ct);
        await Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        return true;
    });

    public Task StartAsync(string container, CancellationToken ct) =>
        Call("starting container " + container, () => Client.Containers.StartContainerAsync(container, new ContainerStartParameters(), ct));

    public Task StopAsync(string container, CancellationToken ct) => Call("stopping container " + container, async () =>
    {
        try
        {
            return await Client.Containers.StopContainerAsync(container, new ContainerStopParameters { WaitBeforeKillSeconds = 10 }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    });

    public Task RemoveAsync(string container, CancellationToken ct) => Call("removing container " + container, async () =>
    {
        try
        {
            await Client.Containers.StopContainerAsync(container, new ContainerStopParameters { WaitBeforeKillSeconds = 10 }, ct);
            await Client.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        return true;
    });

    public Task<string> LogsAsync(string container, int lines, CancellationToken ct) => Call("reading the log of " + container, async () =>
    {
        try
        {
            using var logs = await Client.Containers.GetContainerLogsAsync(container, tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = lines.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(ct);
            return (stdout + stderr).Trim();
        }
        catch (DockerContainerNotFoundException)
        {
            return "";
        }
    });

    public Task<ImageRemoval> RemoveImageAsync(string imageId, CancellationToken ct) => Call("removing image " + imageId, async () =>
    {
        try
        {
            await Client.Images.DeleteImageAsync(imageId, new ImageDeleteParameters { Force = false }, ct);
            return ImageRemoval.Removed;
        }
        catch (DockerImageNotFoundException)
        {
            return ImageRemoval.Absent;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return ImageRemoval.InUse;
        }
    });

    // An engine that is not there, or says no, is the node's problem: one line naming the node and the socket.
    private async Task<T> Call<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DockerApiException e)
        {
            throw new NodeError(nodeName, $"{what} failed: the Docker engine at {_endpoint} answered {(int)e.StatusCode}: {e.ResponseBody.Trim()}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            throw new NodeError(nodeName, $"cannot reach the Docker engine at {_endpoint} ({e.GetBaseException().Message}); start dockerd or set DOCKER_HOST");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
