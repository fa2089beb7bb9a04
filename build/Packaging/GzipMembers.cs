using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using EtcdForge.Artifacts;

namespace EtcdForge.Packaging;

// The compressed gzip member of each large bundle entry (an etcd binary with its tar header), kept by content in
// the shared cache (artifacts/cache/gzip/<key>.gz): compressing the binaries was most of Package's work, and the same
// binaries are packed into every node's bundle, every cluster's, every run's. The key covers everything the member's
// bytes depend on (entry name, mode, owner, length, the file's SHA-256, the compression), so a cached member is
// only ever reused for the same bytes. Written under a temporary name and renamed, so a cached member is whole.
public sealed class GzipMembers(string dir)
{
    // Fastest (zlib level 1): a third of the CPU time of level 6 for about 11% more bytes on etcd's binaries. Bundles
    // are offline artifacts; DeployNodes sends the files, never the compressed bundle.
    public const CompressionLevel Level = CompressionLevel.Fastest;

    // gzip header bytes 4-9: MTIME (4 bytes), XFL, OS. zlib fills XFL from the level and OS from the platform
    // it was built for; 255 is "unknown" in RFC 1952, so the bytes no longer depend on the build machine.
    private static readonly byte[] FixedGzipHeaderTail = [0, 0, 0, 0, 0, 255];

    private readonly ConcurrentDictionary<string, Lazy<string>> _members = new();

    /// <summary>The cached member of entry, compressed now if no run has yet.</summary>
    public string PathOf(BundleEntry entry)
    {
        var key = KeyOf(entry.Path, entry.Mode, entry.Owner, entry.Length, entry.Sha256);
        return _members.GetOrAdd(key, _ => new Lazy<string>(() => Ensure(key, entry))).Value;
    }

    /// <summary>The cached member of a bundle's file, read back from the bundle; null when the cache has none.</summary>
    public string? Cached(string path, UnixFileMode mode, int owner, long length, string sha256) =>
        Path.Combine(dir, $"{KeyOf(path, mode, owner, length, sha256)}.gz") is var member && File.Exists(member) ? member : null;

    private string Ensure(string key, BundleEntry entry)
    {
        var path = Path.Combine(dir, $"{key}.gz");
        if (File.Exists(path)) return path;
        AtomicFile.Write(path, file =>
        {
            Compress(file, gzip => TarGzWriter.WriteSegment(entry, gzip));
        }, AtomicFile.PublicMode);
        return path;
    }

    /// <summary>One gzip member with fixed header bytes, written to a seekable file or memory stream.</summary>
    public static void Compress(Stream output, Action<Stream> write)
    {
        var start = output.Position;
        using (var gzip = new GZipStream(output, Level, leaveOpen: true)) write(gzip);
        var end = output.Position;
        output.Position = start;
        Span<byte> head = stackalloc byte[4];
        output.ReadExactly(head);
        // .NET writes the minimal 10-byte header (FLG = 0, no name or extra fields), so these offsets are fixed.
        if (head is not [0x1f, 0x8b, 8, 0]) throw new InvalidOperationException("unexpected gzip header from GZipStream");
        output.Write(FixedGzipHeaderTail);
        output.Position = end;
    }

    private static string KeyOf(string path, UnixFileMode mode, int owner, long length, string sha256) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"etcd-forge tar member 1\n{path}\n{UnixModes.Octal(mode)}\n{owner}\n{length}\n{sha256}\n{Level}\n")));
}
