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
    private StagingDir? staging;
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
        var (client, stagingDir) = await UploadChannelAsync(ct);
        var staged = $"{stagingDir}/{Guid.NewGuid():N}";
        try
        {
            await client.UploadFileAsync(content, staged, ct);
            Interlocked.Add(ref bytesUploaded, client.GetAttributes(staged).Size);
        }
        catch (SshException ex)
        {
            throw new ForgeError($"{NodeName}: uploading {path} over SFTP to {connector.Endpoint} failed: {ex.Message}", ex);
        }
        var temp = UploadTarget.TempNameBeside(path);
        var install = $"t={ShellQuote.Arg(temp)}; s={ShellQuote.Arg(staged)}; trap 'rm -f \"$t\" \"$s\"' EXIT; " +
            $"mkdir -p {ShellQuote.Arg(Path.GetDirectoryName(path)!)} && " +
            $"install -m {ShellQuote.Octal(mode)} \"$s\" \"$t\" && mv -f \"$t\" {ShellQuote.Arg(path)}";
        (await RunAsync(install, ct)).EnsureSuccess($"installing {path}");
    }

    public async ValueTask DisposeAsync()
    {
        await sftpGate.WaitAsync();
        if (staging is not null) await staging.DisposeAsync();
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

    // The SFTP client and the staging directory, both made on the first upload.
    private async Task<(SftpClient Client, string Staging)> UploadChannelAsync(CancellationToken ct)
    {
        await sftpGate.WaitAsync(ct);
        try
        {
            staging ??= await StagingDir.CreateAsync(ssh, NodeName, ct);
            sftp ??= await connector.ConnectAsync(info => new SftpClient(info), ct);
            return (sftp, staging.Path);
        }
        finally
        {
            sftpGate.Release();
        }
    }
}
