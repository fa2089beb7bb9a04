using EtcdForge.Remote;

namespace EtcdForge.Tests.Support;

// Tests often upload one file; the product always uploads a node's files together.
public static class SingleUpload
{
    public static Task UploadAsync(this INodeShell shell, Stream content, string path, UnixFileMode mode, CancellationToken ct = default) =>
        shell.UploadAsync([Of(path, content, mode)], ct);

    // The shell opens and disposes an upload's stream; a test's stream is seekable, so its length is known.
    public static FileUpload Of(string path, Stream content, UnixFileMode mode) => new(path, () => content, mode, content.Length);
}
