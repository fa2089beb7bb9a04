using System.Globalization;
using EtcdForge.Remote;

namespace EtcdForge.Docker;

// A remote node's engine through the docker CLI on the node, run over the node's SSH shell.
// Why the CLI and not the Engine API through the SSH connection: SSH.NET forwards TCP ports only, not Unix
// sockets (no direct-streamlocal channel), so reaching /var/run/docker.sock from here would need a helper on the
// node (socat, `docker system dial-stdio`) and a custom transport under Docker.DotNet. The CLI is already on any
// node with an engine, its commands run as root (or through sudo) like every other deploy step, they share the
// run's one connection per node, and the image travels with the same staged upload as every other file.
public sealed class DockerCliEngine(INodeShell shell, string stagingDir) : IDockerEngine
{
    private const string Missing = "no-such-object";

    public async Task<ContainerState?> InspectAsync(string container, CancellationToken ct)
    {
        var format = "{{.State.Running}} {{.State.Restarting}} {{.RestartCount}} {{.State.ExitCode}} {{index .Config.Labels \"" + Labels.Fingerprint + "\"}}";
        var result = await Docker($"container inspect --format {Q(format)} {Q(container)}", ct);
        if (result.Stdout.Trim() == Missing) return null;
        var parts = result.EnsureSuccess("inspecting container " + container).Stdout.Trim().Split(' ');
        if (parts.Length < 4) throw new NodeError(shell.NodeName, $"docker container inspect gave '{result.Stdout.Trim()}'");
        var fingerprint = parts.Length > 4 && parts[4] is { Length: > 0 } f && f != "<no value>" ? f : null;
        return new ContainerState(parts[0] == "true", parts[1] == "true", long.Parse(parts[2], CultureInfo.InvariantCulture),
            long.Parse(parts[3], CultureInfo.InvariantCulture), fingerprint);
    }

    public async Task<bool> HasImageAsync(string imageId, CancellationToken ct)
    {
        var result = await Docker($"image inspect --format '{{{{.Id}}}}' {Q(imageId)}", ct);
        if (result.Stdout.Trim() == Missing) return false;
        result.EnsureSuccess("looking up image " + imageId);
        return true;
    }

    public async Task<bool> LoadIfMissingAsync(string imageId, string archive, CancellationToken ct)
    {
        if (await HasImageAsync(imageId, ct)) return false;
        var staged = Path.Combine(stagingDir, $".etcd-image-{Guid.NewGuid():N}.tar");
        await shell.UploadAsync([FileUpload.FromFile(staged, archive, UnixFileMode.UserRead | UnixFileMode.UserWrite)], ct);
        (await shell.RunAsync($"docker load --quiet --input {Q(staged)}; status=$?; rm -f {Q(staged)}; exit $status", ct))
            .EnsureSuccess("loading the etcd image");
        return true;
    }

    public async Task CreateAndStartAsync(ContainerSpec spec, CancellationToken ct)
    {
        var args = new List<string>
        {
            "run", "--detach", "--name", spec.Name, "--network", ContainerSpec.NetworkMode, "--restart", ContainerSpec.RestartPolicy,
            "--user", spec.User, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        };
        foreach (var bind in spec.Binds) args.AddRange(["--volume", bind]);
        foreach (var (key, value) in spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) args.AddRange(["--label", $"{key}={value}"]);
        args.Add(spec.Image);
        args.AddRange(spec.Command);
        (await shell.RunAsync("docker " + string.Join(' ', args.Select(Q)) + " >/dev/null", ct)).EnsureSuccess("creating container " + spec.Name);
    }

    public async Task StartAsync(string container, CancellationToken ct) =>
        (await shell.RunAsync($"docker start {Q(container)} >/dev/null", ct)).EnsureSuccess("starting container " + container);

    public async Task StopAsync(string container, CancellationToken ct) =>
        (await shell.RunAsync($"if {Exists(container)}; then docker stop --time 10 {Q(container)} >/dev/null; fi", ct))
            .EnsureSuccess("stopping container " + container);

    public async Task RemoveAsync(string container, CancellationToken ct) =>
        (await shell.RunAsync($"if {Exists(container)}; then docker stop --time 10 {Q(container)} >/dev/null && docker rm --force {Q(container)} >/dev/null; fi", ct))
            .EnsureSuccess("removing container " + container);

    public async Task<string> LogsAsync(string container, int lines, CancellationToken ct) =>
        (await shell.RunAsync($"docker logs --tail {lines} {Q(container)} 2>&1", ct)).Stdout.Trim();

    public async Task<ImageRemoval> RemoveImageAsync(string imageId, CancellationToken ct)
    {
        var result = await Docker($"image rm {Q(imageId)}", ct);
        if (result.Stdout.Trim() == Missing) return ImageRemoval.Absent;
        if (result.Succeeded) return ImageRemoval.Removed;
        // Another cluster's container (running or stopped) still uses the same image: docker refuses, as it should.
        if (result.Stderr.Contains("conflict", StringComparison.OrdinalIgnoreCase)) return ImageRemoval.InUse;
        result.EnsureSuccess("removing image " + imageId);
        return ImageRemoval.Removed;
    }

    // "No such ..." becomes a marker on stdout, so absence is told apart from an engine that is down.
    private Task<CommandResult> Docker(string arguments, CancellationToken ct) =>
        shell.RunAsync($$"""
            { err=$(docker {{arguments}} 2>&1 1>&3 3>&-); s=$?; } 3>&1
            case "$err" in *'No such'*) echo {{Missing}}; exit 0;; esac
            if [ -n "$err" ]; then printf '%s\n' "$err" >&2; fi
            exit $s
            """, ct);

    private static string Exists(string container) => $"docker container inspect {Q(container)} >/dev/null 2>&1";

    private static string Q(string value) => ShellQuote.Arg(value);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
