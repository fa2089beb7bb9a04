using System.Security.Cryptography;

namespace EtcdForge.Deploy;

// A file a node should hold. Small files' bytes are held; a large one (an etcd binary) is not: Open streams it from
// where the plan found it (its bundle, or the file Package packs it from), so planning seven nodes holds no binary.
// Compressed: a gzip member of Package's cache that unpacks to this file's tar segment (a 512-byte header, the
// bytes, padding), which an SSH upload sends instead of the bytes (see SshShell).
public sealed record DesiredFile(string Path, UnixFileMode Mode, string Sha256, long Length, Func<Stream> Open)
{
    public string? Compressed { get; init; }

    public static DesiredFile Held(string path, byte[] content, UnixFileMode mode) =>
        new(path, mode, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, () => new MemoryStream(content, writable: false));

    public byte[] ReadAll()
    {
        using var content = Open();
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return copy.ToArray();
    }
}
