namespace EtcdForge.Artifacts;

// Writes go to a temporary name in the same directory and are renamed into place, so a crash never
// leaves a half-written file under the final name; unchanged content is not rewritten at all.
public static class AtomicFile
{
    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode ExecutableMode = PublicMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <returns>true when the file was created or its content or mode changed.</returns>
    public static bool WriteIfChanged(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            if (File.GetUnixFileMode(path) == mode) return false;
            File.SetUnixFileMode(path, mode);
            return true;
        }
        Write(path, content, mode);
        return true;
    }

    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var bytes = content.ToArray(); // a span cannot be captured by the writer below
        Write(path, stream => stream.Write(bytes), mode);
    }

    /// <summary>The same for content too large to hold: write fills the file (it may read back what it wrote).</summary>
    public static void Write(string path, Action<FileStream> write, UnixFileMode mode)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = TempFiles.Beside(path);
        try
        {
            // Created with its final mode, so a private key is never readable by others, not even briefly.
            using (var stream = new FileStream(temp, new FileStreamOptions
                   {
                       Mode = FileMode.Create, Access = FileAccess.ReadWrite, UnixCreateMode = mode,
                   }))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temp, mode);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
