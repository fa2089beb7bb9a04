using EtcdForge.Configuration;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace EtcdForge.Remote;

// A node reached over SSH. Commands run as root: directly for root logins, through `sudo -n` otherwise.
public sealed class SshShell : INodeShell
{
    private readonly SshConnector connector;
    private readonly SshClient ssh;
    private readonly SemaphoreSlim sftpGate = new(1, 1);
    private readonly bool viaSudo;
    private SftpClient? sftp;
    private long bytesUploaded;

    private SshShell(string nodeName, SshConnector connector, SshClient ssh)
    {
        NodeName = nodeName;
        this.connector = connector;
        this.ssh = ssh;
        viaSudo = connector.User != "root";
    }

    public string NodeName { get; }
    public long BytesUploaded => Interlocked.Read(ref bytesUploaded);

    public static async Task<SshShell> OpenAsync(Node node, SshOptions options, CancellationToken ct = default)
    {
        var connector = new SshConnector(node, options);
        var shell = new SshShell(node.Name, connector, await connector.ConnectAsync(info => new SshClient(info), ct));
        try
        {
            if (shell.viaSudo) await shell.EnsureSudoAsync(ct);
            return shell;
        }
        catch
        {
            await shell.DisposeAsync();
            throw;
        }
    }

    public Task<CommandResult> RunAsync(string command, CancellationToken ct = default) =>
        RunAsLoginUserAsync($"{(viaSudo ? "sudo -n " : "")}/bin/sh -c {ShellQuote.Arg(command)}", ct);

    public async Task UploadAsync(Stream content, string path, UnixFileMode mode, CancellationToken ct = default)
    {
        UploadTarget.EnsureAbsolute(path);
        // SFTP writes as the login user, who may not own the target directory, so the file is staged in a
        // private directory and installed from there by root.
        var staging = (await RunAsLoginUserAsync("mktemp -d", ct)).EnsureSuccess("creating an upload staging directory").Stdout.Trim();
        try
        {
            var staged = staging + "/upload";
            var client = await SftpAsync(ct);
            long size;
            try
            {
                await client.UploadFileAsync(content, staged, ct);
                size = client.GetAttributes(staged).Size;
                Interlocked.Add(ref bytesUploaded, size);
            }
            catch (SshException ex)
            {
                throw new ForgeError($"{NodeName}: uploading {path} over SFTP to {connector.Endpoint} failed: {ex.Message}", ex);
            }
            var temp = UploadTarget.TempNameBeside(path);
            var dir = Path.GetDirectoryName(path)!;
            var install = $"t={ShellQuote.Arg(temp)}; trap 'rm -f \"$t\"' EXIT; " +
                $"mkdir -p {ShellQuote.Arg(dir)} && " +
                $"install -m {ShellQuote.Octal(mode)} {ShellQuote.Arg(staged)} \"$t\" && mv -f \"$t\" {ShellQuote.Arg(path)}";
            var installed = await RunAsync(install, ct);
            // The trap has removed the partial temp file; the old file, if any, is still in place.
            if (!installed.Succeeded && installed.Stderr.Contains("No space left on device", StringComparison.Ordinal))
            {
                throw new ForgeError($"{NodeName}: no space left on {NodeName}:{dir} for {Path.GetFileName(path)} ({size:N0} bytes); " +
                    $"free space there (df -h {dir} on the node) and run again");
            }
            installed.EnsureSuccess($"installing {path}");
        }
        finally
        {
            await RunAsLoginUserAsync($"rm -rf {ShellQuote.Arg(staging)}", CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await sftpGate.WaitAsync();
        sftp?.Dispose();
        sftpGate.Dispose();
        ssh.Dispose();
    }

    private async Task<CommandResult> RunAsLoginUserAsync(string command, CancellationToken ct)
    {
        using var cmd = ssh.CreateCommand(command);
        try
        {
            await cmd.ExecuteAsync(ct);
        }
        catch (SshException ex)
        {
            throw new ForgeError($"{NodeName}: SSH connection to {connector.Endpoint} failed while running a command: {ex.Message}", ex);
        }
        // A command killed by a signal has no exit status; report it the way a shell would (128 + signal).
        var exit = cmd.ExitStatus ?? 128;
        var stderr = cmd.ExitSignal is { } signal ? $"{cmd.Error}\nkilled by signal {signal}" : cmd.Error;
        return new CommandResult(NodeName, exit, cmd.Result, stderr);
    }

    private async Task EnsureSudoAsync(CancellationToken ct)
    {
        var probe = await RunAsLoginUserAsync("sudo -n true", ct);
        if (probe.Succeeded) return;
        throw new ForgeError($"{NodeName}: user {connector.User} cannot sudo without a password on {NodeName} ({connector.Endpoint}); " +
            $"etcd-forge needs root there: connect as root or grant NOPASSWD sudo ({probe.Stderr.Trim()})");
    }

    private async Task<SftpClient> SftpAsync(CancellationToken ct)
    {
        await sftpGate.WaitAsync(ct);
        try
        {
            return sftp ??= await connector.ConnectAsync(info => new SftpClient(info), ct);
        }
        finally
        {
            sftpGate.Release();
        }
    }
}
