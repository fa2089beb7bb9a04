using System.Formats.Tar;
using System.IO.Compression;

namespace EtcdForge.Packaging;

// Writes a bundle so that the same entries always give the same bytes: entries sorted by path, ustar
// headers (no PAX records, which would carry access/change times), a fixed mtime, numeric ownership (root unless
// the entry says otherwise) with empty user/group names, and gzip headers with no timestamp and fixed flag/OS bytes.
//
// Each large entry (the etcd binaries) is compressed as a gzip member of its own, the small entries between
// them as further members. gzip files may hold several members back to back (RFC 1952 2.2; gzip, tar and .NET
// read them as one stream), and a large entry's member is the same in every bundle, so it is compressed once
// per run (GzipMembers) instead of once per node.
public static class TarGzWriter
{
    public static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // An entry this big gets a member of its own; below it, sharing would not pay for the extra header.
    private const int LargeEntry = 1 << 20;

    // gzip header bytes 4-9: MTIME (4 bytes), XFL, OS. zlib fills XFL from the level and OS from the platform
    // it was built for; 255 is "unknown" in RFC 1952, so the bytes no longer depend on the build machine.
    private static readonly byte[] FixedGzipHeaderTail = [0, 0, 0, 0, 0, 255];

    /// <summary>An uncompressed tar stream and where its members start and end.</summary>
    public sealed record TarStream(byte[] Bytes, IReadOnlyList<Range> Members);

    /// <summary>The uncompressed tar stream of a bundle: what <see cref="Compress"/> compresses.</summary>
    public static TarStream Tar(IEnumerable<BundleEntry> entries)
    {
        var tar = new MemoryStream();
        var members = new List<Range>();
        var smallFrom = 0;
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var entry in entries.OrderBy(e => e.Path, StringComparer.Ordinal))
            {
                var start = (int)tar.Position;
                writer.WriteEntry(ToTar(entry)); // header, data and padding, written through at once
                if (entry.Content.Length < LargeEntry) continue;
                if (start > smallFrom) members.Add(smallFrom..start);
                members.Add(start..(int)tar.Position);
                smallFrom = (int)tar.Position;
            }
        }
        members.Add(smallFrom..(int)tar.Length); // the small entries after the last large one, and the end blocks
        return new TarStream(tar.ToArray(), members);
    }

    public static byte[] Compress(TarStream tar, GzipMembers shared)
    {
        var gz = new MemoryStream();
        foreach (var member in tar.Members)
        {
            var bytes = tar.Bytes.AsSpan(member);
            gz.Write(bytes.Length >= LargeEntry ? shared.Get(bytes, Member) : Member(bytes));
        }
        return gz.ToArray();
    }

    private static byte[] Member(ReadOnlySpan<byte> content)
    {
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }
        var bytes = gz.ToArray();
        // .NET writes the minimal 10-byte header (FLG = 0, no name or extra fields), so these offsets are fixed.
        if (bytes is not [0x1f, 0x8b, 8, 0, ..]) throw new InvalidOperationException("unexpected gzip header from GZipStream");
        FixedGzipHeaderTail.CopyTo(bytes, 4);
        return bytes;
    }

    private static UstarTarEntry ToTar(BundleEntry entry)
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
        if (!entry.IsDirectory) tar.DataStream = new MemoryStream(entry.Content, writable: false);
        return tar;
    }
}
