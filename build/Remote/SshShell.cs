using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace EtcdForge.Remote;

// A node reached over SSH. Commands run as root: directly for root logins, through `sudo -n` otherwise.
public sealed class SshShell : INodeShell
{
    private readonly SshConnector _connector;
    private readonly SshClient _ssh;
    private readonly SemaphoreSlim _sftpGate = new(1, 1);
    private readonly bool _viaSudo;
    private SftpClient? _sftp;
    private StagingDir? _staging;
    private long _bytesUploaded;
    private bool _disposed;

    private SshShell(string nodeName, SshConnector connector, SshClient ssh)
    {
        NodeName = nodeName;
        _connector = connector;
        _ssh = ssh;
        _viaSudo = connector.User != "root";
    }

    public string NodeName { get; }
    public bool IsOpen => !_disposed && _ssh.IsConnected;
    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    public static async Task<SshShell> OpenAsync(Node node, SshOptions options, CancellationToken ct = default)
    {
        var connector = new SshConnector(node, options);
        var shell = new SshShell(node.Name, connector, await connector.ConnectAsync(info => new SshClient(info), ct));
        try
        {
            if (shell._viaSudo) await shell.EnsureSudoAsync(ct);
            return shell;
        }
        catch
        {
            await shell.DisposeAsync();
            throw;
        }
    }

    public Task<CommandResult> RunAsync(string command, CancellationToken ct = default) =>
        RunAsLoginUserAsync($"{(_viaSudo ? "sudo -n " : "")}/bin/sh -c {ShellQuote.Arg(command)}", ct);

    public async Task UploadAsync(IReadOnlyList<FileUpload> files, CancellationToken ct = default)
    {
        if (files.Count == 0) return;
        foreach (var file in files) UploadTarget.EnsureAbsolute(file.Path);
        // SFTP writes as the login user, who may not own the target directories, so the files are staged in the
        // connection's private directory and installed from there by root, all in one command: every remote
        // command costs a round trip and a login shell, whatever the file size.
        var (client, stagingDir) = await UploadChannelAsync(ct);
        var batch = $"{stagingDir}/{Guid.NewGuid():N}";
        var sizes = new long[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            try
            {
                // A binary goes as its compressed member (about half the bytes through SSH.NET's encryption, which is
                // what an upload costs here); the node unpacks it (InstallScript).
                await using var content = file.Compressed is { } member ? File.OpenRead(member) : file.Open();
                await client.UploadFileAsync(content, file.Compressed is null ? $"{batch}-{i}" : $"{batch}-{i}.gz", ct);
                Interlocked.Add(ref _bytesUploaded, file.Compressed is { } sent ? new FileInfo(sent).Length : file.Length);
                sizes[i] = file.Length;
            }
            catch (SshException ex)
            {
                throw new NodeError(NodeName, $"uploading {files[i].Path} over SFTP to {_connector.Endpoint} failed: {ex.Message}", ex);
            }
        }
        var result = await RunAsync(InstallScript(batch, files), ct);
        if (result.Succeeded) return;
        // The script names the file it stopped at on its last stdout line; its trap has removed the partial
        // temporary file, so the old file, if any, is still in place.
        var failed = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? files[0].Path;
        if (result.Stderr.Contains("No space left on device", StringComparison.Ordinal))
        {
            var dir = Path.GetDirectoryName(failed)!;
            var size = files.Select((f, i) => (f, i)).Where(p => p.f.Path == failed).Select(p => sizes[p.i]).FirstOrDefault();
            throw new NodeError(NodeName, $"no space left on {NodeName}:{dir} for {Path.GetFileName(failed)} ({size:N0} bytes); " +
                $"free space there (df -h {dir} on the node) and run again");
        }
        result.EnsureSuccess($"installing {failed}");
    }

    // For each staged file: install it with its mode under a temporary name beside the target, then rename.
    // The trap removes a temporary file left by a failed step and this batch's staged files; whatever a killed
    // run leaves goes with the staging directory when its connection ends (StagingDir).
    private static string InstallScript(string batch, IReadOnlyList<FileUpload> files)
    {
        var script = new System.Text.StringBuilder();
        script.Append($"b={ShellQuote.Arg(batch)}; t=''; trap 'rm -f \"$t\" \"$b\"-*' EXIT\n");
        for (var i = 0; i < files.Count; i++)
        {
            var path = files[i].Path;
            script.Append($"f={ShellQuote.Arg(path)}; t={ShellQuote.Arg(UploadTarget.TempNameBeside(path))}; ");
            // The member unpacks to the tar segment: the file's bytes follow the 512-byte header. gzip's own check
            // (CRC and length) fails the step on a damaged member; nothing is cut short unnoticed.
            if (files[i].Compressed is not null)
            {
                script.Append($"gzip -dc \"$b-{i}.gz\" > \"$b-{i}.tar\" && rm -f \"$b-{i}.gz\" && ")
                    .Append($"tail -c +513 \"$b-{i}.tar\" | head -c {files[i].Length} > \"$b-{i}\" && rm -f \"$b-{i}.tar\" && ");
            }
            script.Append($"mkdir -p {ShellQuote.Arg(Path.GetDirectoryName(path)!)} && install -m {UnixModes.Octal(files[i].Mode)} \"$b-{i}\" \"$t\" ")
                .Append("&& mv -f \"$t\" \"$f\" || { echo \"$f\"; exit 1; }\n");
        }
        return script.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _sftpGate.WaitAsync();
        if (_staging is not null) await _staging.DisposeAsync();
        _sftp?.Dispose();
        _sftpGate.Dispose();
        _ssh.Dispose();
    }

    private async Task<CommandResult> RunAsLoginUserAsync(string command, CancellationToken ct)
    {
        using var cmd = _ssh.CreateCommand(command);
        try
        {
            await cmd.ExecuteAsync(ct);
        }
        catch (SshException ex)
        {
            throw new NodeError(NodeName, $"SSH connection to {_connector.Endpoint} failed while running a command: {ex.Message}", ex);
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
        throw new NodeError(NodeName, $"user {_connector.User} cannot sudo without a password on {NodeName} ({_connector.Endpoint}); " +
            $"etcd-forge needs root there: connect as root or grant NOPASSWD sudo ({probe.Stderr.Trim()})");
    }

    // The SFTP client and the staging directory, both made on the first upload.
    private async Task<(SftpClient Client, string Staging)> UploadChannelAsync(CancellationToken ct)
    {
        await _sftpGate.WaitAsync(ct);
        try
        {
            _staging ??= await StagingDir.CreateAsync(_ssh, NodeName, ct);
            _sftp ??= await _connector.ConnectAsync(info => new SftpClient(info), ct);
            return (_sftp, _staging.Path);
        }
        finally
        {
            _sftpGate.Release();
        }
    }
}
