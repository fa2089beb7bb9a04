using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EtcdForge.Packaging;

// The SHA-256 and length of a large source file (an etcd binary), computed once per run by streaming it: every
// bundle, its SHA256SUMS and the image read the same binaries. Keyed by length and modification time as well, so
// a file replaced during the run is hashed again.
public static class FileDigests
{
    public sealed record Digest(long Length, string Sha256);

    private static readonly ConcurrentDictionary<(string, long, DateTime), Lazy<Digest>> Known = new();

    public static Digest Of(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new ForgeError($"{path} is missing: run --target=DownloadEtcd again");
        return Known.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ => new Lazy<Digest>(() =>
        {
            using var stream = File.OpenRead(path);
            return new Digest(info.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
        })).Value;
    }
}
