namespace EtcdForge.Remote;

// How deploy code acts on a node, whether it is this machine (local sandbox) or a host reached over SSH.
// Commands run as root on SSH nodes (through sudo for other users) and as the current user locally.
public interface INodeShell : IAsyncDisposable
{
    string NodeName { get; }

    /// <summary>False once the connection behind the shell has dropped.</summary>
    bool IsOpen { get; }

    /// <summary>Bytes written by <see cref="UploadAsync"/> so far, for progress and change reporting.</summary>
    long BytesUploaded { get; }

    /// <summary>Runs <paramref name="command"/> with /bin/sh; a non-zero exit is returned, not thrown.</summary>
    Task<CommandResult> RunAsync(string command, CancellationToken ct = default);

    /// <summary>
    /// Writes each file to its absolute path with its mode, creating its directory. Each file is written under a
    /// temporary name in its own directory and renamed, so a reader never sees a half-written file under the
    /// final name.
    /// </summary>
    Task UploadAsync(IReadOnlyList<FileUpload> files, CancellationToken ct = default);
}
