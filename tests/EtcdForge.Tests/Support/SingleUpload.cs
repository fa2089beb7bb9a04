using EtcdForge.Remote;

namespace EtcdForge.Tests.Support;

// Tests often upload one file; the product always uploads a node's files together.
public static class SingleUpload
{
    public static Task UploadAsync(this INodeShell shell, Stream content, string path, UnixFileMode mode, CancellationToken ct = default) =>
        shell.UploadAsync([new FileUpload(path, content, mode)], ct);
}
