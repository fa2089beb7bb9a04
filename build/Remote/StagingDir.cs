using Renci.SshNet;
using Renci.SshNet.Common;

namespace EtcdForge.Remote;

// A private directory on the node for the uploads of one SSH connection. The command that makes it stays
// running, reading its input, and removes the directory when that input ends: when this side disposes it, or
// when the connection drops because etcd-forge was killed mid-upload. So a partial upload never outlives the
// session that wrote it, and no later run has to guess which leftovers are safe to delete.
internal sealed class StagingDir : IAsyncDisposable
{
    private const string Script =
        "d=$(mktemp -d \"${TMPDIR:-/tmp}/etcd-forge-upload.XXXXXXXXXX\") || exit 1; echo \"$d\"; cat >/dev/null; rm -rf \"$d\"";

    private readonly SshCommand _command;
    private readonly Stream _input;
    private readonly Task _run;

    private StagingDir(SshCommand command, Stream input, Task run, string path)
    {
        _command = command;
        _input = input;
        _run = run;
        Path = path;
    }

    public string Path { get; }

    public static async Task<StagingDir> CreateAsync(SshClient ssh, string nodeName, CancellationToken ct)
    {
        var command = ssh.CreateCommand(Script);
        try
        {
            var run = command.ExecuteAsync(CancellationToken.None);
            var input = command.CreateInputStream();
            using var output = new StreamReader(command.OutputStream, leaveOpen: true);
            var path = (await output.ReadLineAsync(ct))?.Trim();
            if (string.IsNullOrEmpty(path) || !path.StartsWith('/'))
            {
                input.Write("\n"u8);
                input.Dispose();
                await run.WaitAsync(TimeSpan.FromSeconds(10), ct);
                throw new NodeError(nodeName, $"cannot create an upload staging directory: {command.Error.Trim()}");
            }
            return new StagingDir(command, input, run, path);
        }
        catch (SshException ex)
        {
            command.Dispose();
            throw new NodeError(nodeName, $"cannot create an upload staging directory: {ex.Message}", ex);
        }
        catch (TimeoutException ex)
        {
            command.Dispose();
            throw new NodeError(nodeName, $"cannot create an upload staging directory: the node did not answer ({ex.Message})", ex);
        }
        catch
        {
            command.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // SSH.NET sends EOF on dispose only after some data was written.
            _input.Write("\n"u8);
            _input.Dispose();
            // Only bounds the wait for rm -rf; if the connection is already gone, the node cleans up on its own.
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is SshException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _command.Dispose();
        }
    }
}
