namespace EtcdForge.Remote;

/// <summary>One file for <see cref="INodeShell.UploadAsync"/>: where it goes, what it holds, its mode.</summary>
public sealed record FileUpload(string Path, Stream Content, UnixFileMode Mode);

public static class FileUploads
{
    public static Task UploadAsync(this INodeShell shell, Stream content, string path, UnixFileMode mode, CancellationToken ct = default) =>
        shell.UploadAsync([new FileUpload(path, content, mode)], ct);
}
