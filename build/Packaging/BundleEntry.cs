using System.Security.Cryptography;
using System.Text;
using EtcdForge.Artifacts;

namespace EtcdForge.Packaging;

// One file or directory inside a bundle, with the mode it must have once unpacked on a node. Owner is a numeric
// uid and gid (0 in bundles; an image layer gives etcd's data directory to its non-root user).
// A large file (the etcd binaries) is not held in memory: SourceFile names it, Content stays empty, and its bytes are
// streamed from the file whenever they are packed or hashed. Small ones (certificates, config) are held.
public sealed record BundleEntry(string Path, byte[] Content, UnixFileMode Mode, bool IsDirectory = false, int Owner = 0)
{
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // From this size on a file is streamed rather than held; TarGzWriter gives such entries a gzip member of their own.
    public const int LargeEntry = 1 << 20;

    public string? SourceFile { get; private init; }

    public long Length => SourceFile is null ? Content.Length : FileDigests.Of(SourceFile).Length;

    public bool IsLarge => Length >= LargeEntry;

    public string Sha256 => SourceFile is null ? Convert.ToHexStringLower(SHA256.HashData(Content)) : FileDigests.Of(SourceFile).Sha256;

    public Stream Open() => SourceFile is null ? new MemoryStream(Content, writable: false) : File.OpenRead(SourceFile);

    public static BundleEntry Directory(string path, UnixFileMode mode = AtomicFile.ExecutableMode) => new(path, [], mode, IsDirectory: true);
    public static BundleEntry Text(string path, string content, UnixFileMode mode = AtomicFile.PublicMode) => new(path, Encoding.UTF8.GetBytes(content), mode);

    public static BundleEntry FromFile(string path, string source, UnixFileMode mode) =>
        new FileInfo(source).Length >= LargeEntry
            ? new BundleEntry(path, [], mode) { SourceFile = System.IO.Path.GetFullPath(source) }
            : new BundleEntry(path, File.ReadAllBytes(source), mode);
}
