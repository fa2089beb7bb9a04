namespace EtcdForge.Remote;

/// <summary>One file for <see cref="INodeShell.UploadAsync"/>: where it goes, its bytes (opened, and disposed, by the
/// shell when it sends them), its mode and length. Compressed, when set, is a gzip member that unpacks to the file's
/// tar segment (a 512-byte header, then Length bytes, then padding): an SSH node is sent that instead, and unpacks it.</summary>
public sealed record FileUpload(string Path, Func<Stream> Open, UnixFileMode Mode, long Length)
{
    public string? Compressed { get; init; }

    public static FileUpload FromFile(string path, string source, UnixFileMode mode) =>
        new(path, () => File.OpenRead(source), mode, new FileInfo(source).Length);
}
