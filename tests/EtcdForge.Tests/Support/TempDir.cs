namespace EtcdForge.Tests.Support;

// A scratch directory per test, removed afterwards.
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("etcd-forge-test-").FullName;

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Opens the directory (created 0700) for reading and passing through: run as root, the host starts etcd
    /// as the etcd user, which must reach the node dirs below it (as it would under /tmp or / in a real run).</summary>
    public TempDir ReachableByEtcd()
    {
        System.IO.File.SetUnixFileMode(Path, System.IO.File.GetUnixFileMode(Path) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return this;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
