using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using EtcdForge.Artifacts;

namespace EtcdForge.Packaging;

// Writes a bundle only when its content changes, and tells which entries made the difference, so a re-run
// explains itself ("etcd1.tar.gz: ssl/etcd1.pem changed") instead of silently repacking.
public static class BundleFile
{
    /// <returns>null when the file on disk already has these bytes; otherwise why it was (re)written.</returns>
    public static string? WriteIfChanged(string path, IReadOnlyList<BundleEntry> entries, GzipMembers members)
    {
        // The usual re-run: the bytes it would write (the binaries' members come from the cache) are the file's.
        if (HasMode(path) && SameBytes(path, output => TarGzWriter.Write(entries, output, members))) return null;
        // The same content packed otherwise (another compression, an older etcd-forge) is kept as it is.
        if (Holds(path, entries)) return null;
        var why = WhyDifferent(path, entries);
        AtomicFile.Write(path, output => TarGzWriter.Write(entries, output, members), AtomicFile.PrivateMode);
        return why;
    }

    /// <returns>null when the file on disk already holds these entries; otherwise why it would be (re)written.
    /// Writes nothing (Plan).</returns>
    public static string? WhyItWouldChange(string path, IReadOnlyList<BundleEntry> entries) =>
        Holds(path, entries) ? null : WhyDifferent(path, entries);

    private static bool HasMode(string path) => File.Exists(path) && File.GetUnixFileMode(path) == AtomicFile.PrivateMode;

    private static bool SameBytes(string path, Action<Stream> write)
    {
        using var existing = File.OpenRead(path);
        return ExpectedBytesStream.Matches(existing, write);
    }

    // Whether the bundle at path unpacks to exactly this tar stream (a gzip of other bytes or a damaged file does not).
    private static bool Holds(string path, IReadOnlyList<BundleEntry> entries)
    {
        if (!HasMode(path)) return false;
        try
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            return ExpectedBytesStream.Matches(gzip, tar => TarGzWriter.WriteTar(entries, tar));
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return false;
        }
    }

    private static string WhyDifferent(string path, IReadOnlyList<BundleEntry> entries)
    {
        if (!File.Exists(path)) return "new";
        var before = ReadDigests(path);
        var after = entries.ToDictionary(e => e.Path.TrimEnd('/'), e => Digest(e.IsDirectory, e.IsDirectory ? "" : e.Sha256, e.Mode));
        var reasons = new List<string>();
        foreach (var (name, digest) in after.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(name, out var old)) reasons.Add($"{name} added");
            else if (old != digest) reasons.Add($"{name} changed");
        }
        reasons.AddRange(before.Keys.Where(k => !after.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"{k} removed"));
        return reasons.Count > 0 ? string.Join(", ", reasons) : "rewritten (packing format changed)";
    }

    private static string Digest(bool isDirectory, string sha256, UnixFileMode mode) => $"{(isDirectory ? "d" : sha256)}:{UnixModes.Octal(mode)}";

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
                var isDirectory = tar.EntryType == TarEntryType.Directory;
                var sha256 = isDirectory ? "" : Convert.ToHexStringLower(SHA256.HashData(tar.DataStream ?? Stream.Null));
                digests[tar.Name.TrimEnd('/')] = Digest(isDirectory, sha256, tar.Mode);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            digests.Clear();
        }
        return digests;
    }
}
