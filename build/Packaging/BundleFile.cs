using System.Formats.Tar;
using System.IO.Compression;
using EtcdForge.Artifacts;

namespace EtcdForge.Packaging;

// Writes a bundle only when its content changes, and tells which entries made the difference, so a re-run
// explains itself ("etcd1.tar.gz: ssl/etcd1.pem changed") instead of silently repacking.
public static class BundleFile
{
    /// <returns>null when the file on disk already has these bytes; otherwise why it was (re)written.</returns>
    public static string? WriteIfChanged(string path, IReadOnlyList<BundleEntry> entries, GzipMembers shared)
    {
        var tar = TarGzWriter.Tar(entries);
        // Unpacking the old bundle is several times cheaper than compressing the new one, and on a re-run
        // with nothing changed, it is all there is to do.
        if (Holds(path, tar.Bytes)) return null;
        var bytes = TarGzWriter.Compress(tar, shared);
        var why = WhyDifferent(path, entries);
        return AtomicFile.WriteIfChanged(path, bytes, AtomicFile.PrivateMode) ? why : null;
    }

    /// <returns>null when the file on disk already holds these entries; otherwise why it would be (re)written.
    /// Writes nothing (Plan).</returns>
    public static string? WhyItWouldChange(string path, IReadOnlyList<BundleEntry> entries) =>
        Holds(path, TarGzWriter.Tar(entries).Bytes) ? null : WhyDifferent(path, entries);

    private static bool Holds(string path, byte[] tar) => HoldsTar(path, tar) && File.GetUnixFileMode(path) == AtomicFile.PrivateMode;

    private static string WhyDifferent(string path, IReadOnlyList<BundleEntry> entries)
    {
        if (!File.Exists(path)) return "new";
        var before = ReadDigests(path);
        var after = entries.ToDictionary(e => e.Path.TrimEnd('/'), Digest);
        var reasons = new List<string>();
        foreach (var (name, digest) in after.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(name, out var old)) reasons.Add($"{name} added");
            else if (old != digest) reasons.Add($"{name} changed");
        }
        reasons.AddRange(before.Keys.Where(k => !after.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"{k} removed"));
        return reasons.Count > 0 ? string.Join(", ", reasons) : "rewritten (packing format changed)";
    }

    // Whether the bundle at path unpacks to exactly this tar stream (a gzip of other bytes or a damaged file does not).
    private static bool HoldsTar(string path, byte[] tar)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            var buffer = new byte[81920];
            var offset = 0;
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (offset + read > tar.Length || !buffer.AsSpan(0, read).SequenceEqual(tar.AsSpan(offset, read))) return false;
                offset += read;
            }
            return offset == tar.Length;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return false;
        }
    }

    private static string Digest(BundleEntry entry) =>
        $"{(entry.IsDirectory ? "d" : BundleManifest.Sha256(entry.Content))}:{UnixModes.Octal(entry.Mode)}";

    // An unreadable old bundle is simply replaced; the reason then names every entry as added.
    private static Dictionary<string, string> ReadDigests(string path)
    {
        var digests = new Dictionary<string, string>();
        try
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } tar)
            {
                var content = new MemoryStream();
                tar.DataStream?.CopyTo(content);
                var entry = new BundleEntry(tar.Name.TrimEnd('/'), content.ToArray(), tar.Mode, tar.EntryType == TarEntryType.Directory);
                digests[entry.Path] = Digest(entry);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            digests.Clear();
        }
        return digests;
    }
}
