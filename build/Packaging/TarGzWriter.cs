using System.Formats.Tar;
using System.IO.Compression;

namespace EtcdForge.Packaging;

// Writes a bundle so that the same entries always give the same bytes: entries sorted by path, ustar
// headers (no PAX records, which would carry access/change times), a fixed mtime, root ownership with
// empty user/group names, and a gzip header with no timestamp and fixed flag/OS bytes.
public static class TarGzWriter
{
    public static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // gzip header bytes 4-9: MTIME (4 bytes), XFL, OS. zlib fills XFL from the level and OS from the platform
    // it was built for; 255 is "unknown" in RFC 1952, so the bytes no longer depend on the build machine.
    private static readonly byte[] FixedGzipHeaderTail = [0, 0, 0, 0, 0, 255];

    public static byte[] Write(IEnumerable<BundleEntry> entries) => Compress(Tar(entries));

    /// <summary>The uncompressed tar stream of a bundle: what <see cref="Write"/> compresses.</summary>
    public static byte[] Tar(IEnumerable<BundleEntry> entries)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var entry in entries.OrderBy(e => e.Path, StringComparer.Ordinal))
            {
                writer.WriteEntry(ToTar(entry));
            }
        }
        return tar.ToArray();
    }

    public static byte[] Compress(byte[] tar)
    {
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(tar);
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
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
        };
        if (!entry.IsDirectory) tar.DataStream = new MemoryStream(entry.Content, writable: false);
        return tar;
    }
}
