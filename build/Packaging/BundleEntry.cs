using System.Text;
using EtcdForge.Artifacts;

namespace EtcdForge.Packaging;

// One file or directory inside a bundle, with the mode it must have once unpacked on a node. Owner is a numeric
// uid and gid (0 in bundles; an image layer gives etcd's data directory to its non-root user).
public sealed record BundleEntry(string Path, byte[] Content, UnixFileMode Mode, bool IsDirectory = false, int Owner = 0)
{
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static BundleEntry Directory(string path, UnixFileMode mode = AtomicFile.ExecutableMode) => new(path, [], mode, IsDirectory: true);
    public static BundleEntry Text(string path, string content, UnixFileMode mode = AtomicFile.PublicMode) => new(path, Encoding.UTF8.GetBytes(content), mode);
    public static BundleEntry FromFile(string path, string source, UnixFileMode mode) => new(path, File.ReadAllBytes(source), mode);
}
