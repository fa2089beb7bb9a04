using System.Formats.Tar;
using System.IO.Compression;
using EtcdForge.Artifacts;

namespace EtcdForge.Download;

// A release-shaped etcd-vX-linux-ARCH.tar.gz: the binaries sit in one top directory (or at the root).
public sealed class TarballPackage(string path, string source, string origin, string sha256, bool cached)
    : EtcdPackage(source, origin, sha256)
{
    private static readonly string[] BinaryNames = ["etcd", "etcdctl", "etcdutl"];

    public string Path { get; } = path;

    public override Task UnpackIntoAsync(string binDir)
    {
        Directory.CreateDirectory(binDir);
        try
        {
            using var file = File.OpenRead(Path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (WantedName(entry) is { } name) Extract(entry, System.IO.Path.Combine(binDir, name));
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new ForgeError($"{Path} is not a readable .tar.gz ({ex.Message}); it is truncated or damaged: fetch the release archive again", ex);
        }
        if (!File.Exists(System.IO.Path.Combine(binDir, "etcd")))
        {
            throw new ForgeError($"{Path} has no etcd binary inside (expected etcd-v<version>-linux-<arch>/etcd); use an official etcd release archive");
        }
        return Task.CompletedTask;
    }

    // The output name is always one of ours, never the entry's path, so "../" in an entry cannot escape
    // binDir; such an entry still means the archive is not a genuine release, so it is refused.
    private string? WantedName(TarEntry entry)
    {
        var parts = entry.Name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (entry.Name.StartsWith('/') || parts.Contains(".."))
        {
            throw new ForgeError($"{Path} contains an unsafe entry '{entry.Name}'");
        }
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || parts.Length is 0 or > 2)
        {
            return null;
        }
        return BinaryNames.Contains(parts[^1]) ? parts[^1] : null;
    }

    private static void Extract(TarEntry entry, string destination)
    {
        using var output = new FileStream(destination, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = AtomicFile.ExecutableMode,
        });
        entry.DataStream?.CopyTo(output);
    }

    public override void Discard()
    {
        if (cached) File.Delete(Path);
    }
}
