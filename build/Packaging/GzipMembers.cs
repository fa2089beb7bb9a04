using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EtcdForge.Packaging;

// Compressed gzip members by the SHA-256 of what they hold, shared by the bundles of one Package run: the
// binaries are the same in every node's bundle, and compressing them is most of Package's work.
public sealed class GzipMembers
{
    private readonly ConcurrentDictionary<string, Lazy<byte[]>> _members = new();

    public byte[] Get(ReadOnlySpan<byte> content, Func<ReadOnlySpan<byte>, byte[]> compress)
    {
        var key = Convert.ToHexString(SHA256.HashData(content));
        if (_members.TryGetValue(key, out var known)) return known.Value;
        var copy = content.ToArray(); // a span cannot wait inside the Lazy
        return _members.GetOrAdd(key, _ => new Lazy<byte[]>(() => compress(copy))).Value;
    }
}
