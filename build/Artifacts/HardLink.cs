using System.Runtime.InteropServices;

namespace EtcdForge.Artifacts;

// A second name for a file's bytes (link(2)): placing a cached 40 MB file costs no copy and no disk. Where the
// filesystem refuses (another filesystem, no hard links), the bytes are copied instead.
public static class HardLink
{
    /// <summary>Makes path name source's bytes, atomically (a temporary name renamed over path).</summary>
    public static void Place(string source, string path)
    {
        var temp = TempFiles.Beside(path, "link");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            if (File.Exists(temp)) File.Delete(temp);
            if (link(source, temp) != 0) File.Copy(source, temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Whether both names are the same file (one inode), so one cannot differ from the other.</summary>
    public static bool Same(string a, string b) =>
        File.Exists(a) && File.Exists(b) && Identity(a) is { } x && Identity(b) is { } y && x == y;

    private static (ulong Dev, ulong Ino)? Identity(string path) =>
        stat(path, out var st) == 0 ? (st.Dev, st.Ino) : null;

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    // glibc's x86-64 struct stat begins with st_dev and st_ino; the rest is not read.
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    private struct Stat
    {
        public ulong Dev;
        public ulong Ino;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int stat(string path, out Stat buf);
}
