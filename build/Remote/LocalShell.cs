using System.Diagnostics;

namespace EtcdForge.Remote;

// A local sandbox node: commands run on this machine as the current user.
public sealed class LocalShell(string nodeName) : INodeShell
{
    private long _bytesUploaded;

    public string NodeName { get; } = nodeName;
    public bool IsOpen => true;
    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    public async Task<CommandResult> RunAsync(string command, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start) ?? throw new NodeError(NodeName, $"cannot start /bin/sh");
        // Commands must not wait for input that nobody will type.
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CommandResult(NodeName, process.ExitCode, await stdout, await stderr);
    }

    // Local writes cost no round trip, so files go one by one.
    public async Task UploadAsync(IReadOnlyList<FileUpload> files, CancellationToken ct = default)
    {
        foreach (var file in files) UploadTarget.EnsureAbsolute(file.Path);
        foreach (var file in files)
        {
            await using var content = file.Open();
            await UploadOneAsync(content, file.Path, file.Mode, ct);
        }
    }

    private async Task UploadOneAsync(Stream content, string path, UnixFileMode mode, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var temp = UploadTarget.TempNameBeside(path);
        try
        {
            // Created with its final mode, so a private key is never readable by others, not even briefly.
            await using (var file = new FileStream(temp, new FileStreamOptions
                         {
                             Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode,
                         }))
            {
                await content.CopyToAsync(file, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
                Interlocked.Add(ref _bytesUploaded, file.Length);
            }
            // The umask may have narrowed the create mode.
            File.SetUnixFileMode(temp, mode);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
