using System.Formats.Tar;

namespace EtcdForge.Packaging;

// Writes a bundle so that the same entries always give the same bytes: entries sorted by path, ustar
// headers (no PAX records, which would carry access/change times), a fixed mtime, numeric ownership (root unless
// the entry says otherwise) with empty user/group names, and gzip headers with no timestamp and fixed flag/OS bytes.
//
// Each large entry (the etcd binaries) is a gzip member of its own, the small entries between them further
// members. gzip files may hold several members back to back (RFC 1952 2.2; gzip, tar and .NET read them as one
// stream), and a large entry's member is the same in every bundle, so it is compressed once and then copied from
// the shared cache (GzipMembers). Everything is streamed: a large entry's bytes are never held in memory.
public static class TarGzWriter
{
    public static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // A tar archive ends with two zero-filled 512-byte records.
    private static readonly byte[] EndOfArchive = new byte[1024];

    /// <summary>The .tar.gz of entries, to output.</summary>
    public static void Write(IEnumerable<BundleEntry> entries, Stream output, GzipMembers members)
    {
        var small = new MemoryStream(); // the tar bytes of the small entries since the last large one
        foreach (var entry in Sorted(entries))
        {
            if (!entry.IsLarge)
            {
                WriteSegment(entry, small);
                continue;
            }
            FlushSmall(small, output);
            using var member = File.OpenRead(members.PathOf(entry));
            member.CopyTo(output);
        }
        small.Write(EndOfArchive);
        FlushSmall(small, output);
    }

    /// <summary>The uncompressed tar stream of entries: what Write's output unpacks to.</summary>
    public static void WriteTar(IEnumerable<BundleEntry> entries, Stream output)
    {
        foreach (var entry in Sorted(entries)) WriteSegment(entry, output);
        output.Write(EndOfArchive);
    }

    /// <summary>One entry's part of a tar stream: header, data and padding to the next 512-byte record.</summary>
    public static void WriteSegment(BundleEntry entry, Stream output)
    {
        // TarWriter ends the archive when disposed; the end records belong to the whole stream, not to this entry.
        var segment = new EntryOnly(output);
        using var writer = new TarWriter(segment, TarEntryFormat.Ustar, leaveOpen: true);
        using var data = entry.IsDirectory ? null : entry.Open();
        writer.WriteEntry(ToTar(entry, data));
        segment.Done = true;
    }

    private static IEnumerable<BundleEntry> Sorted(IEnumerable<BundleEntry> entries) => entries.OrderBy(e => e.Path, StringComparer.Ordinal);

    private static void FlushSmall(MemoryStream small, Stream output)
    {
        if (small.Length == 0) return;
        var member = new MemoryStream();
        GzipMembers.Compress(member, gzip => gzip.Write(small.GetBuffer(), 0, (int)small.Length));
        member.Position = 0;
        member.CopyTo(output);
        small.SetLength(0);
    }

    private static UstarTarEntry ToTar(BundleEntry entry, Stream? data)
    {
        var tar = new UstarTarEntry(entry.IsDirectory ? TarEntryType.Directory : TarEntryType.RegularFile,
            entry.IsDirectory ? entry.Path.TrimEnd('/') + "/" : entry.Path)
        {
            Mode = entry.Mode,
            ModificationTime = FixedTime,
            Uid = entry.Owner,
            Gid = entry.Owner,
            UserName = "",
            GroupName = "",
        };
        if (data is not null) tar.DataStream = data;
        return tar;
    }

    // Passes writes on until Done, then drops them (TarWriter's end-of-archive records).
    private sealed class EntryOnly(Stream inner) : WriteOnlyStream
    {
        public bool Done { get; set; }
        public override void Write(ReadOnlySpan<byte> buffer) { if (!Done) inner.Write(buffer); }
    }
}
