namespace EtcdForge.Remote;

internal static class UploadTarget
{
    public static void EnsureAbsolute(string path)
    {
        if (!path.StartsWith('/') || path.EndsWith('/'))
        {
            throw new ArgumentException($"upload target must be an absolute file path, got '{path}'", nameof(path));
        }
    }

    // Hidden and unique, so concurrent uploads of the same file never write into each other's temp file.
    public static string TempNameBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
}
