using System.Security.Cryptography;

namespace EtcdForge.Tests.Support;

// Every file under a directory with its last-write time and content hash, to prove a run changed nothing.
public sealed record DirSnapshot(IReadOnlyDictionary<string, (DateTime Mtime, string Sha256)> Files)
{
    public static DirSnapshot Of(string root)
    {
        var files = new SortedDictionary<string, (DateTime, string)>(StringComparer.Ordinal);
        if (Directory.Exists(root))
        {
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                files[System.IO.Path.GetRelativePath(root, path)] =
                    (File.GetLastWriteTimeUtc(path), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
            }
        }
        return new DirSnapshot(files);
    }

    // Empty when equal; otherwise one line per added, removed or changed file.
    public IReadOnlyList<string> Differences(DirSnapshot after)
    {
        var diffs = new List<string>();
        foreach (var (path, before) in Files)
        {
            if (!after.Files.TryGetValue(path, out var now)) diffs.Add($"removed: {path}");
            else if (now.Sha256 != before.Sha256) diffs.Add($"bytes changed: {path}");
            else if (now.Mtime != before.Mtime) diffs.Add($"mtime changed: {path} ({before.Mtime:O} -> {now.Mtime:O})");
        }
        diffs.AddRange(after.Files.Keys.Where(p => !Files.ContainsKey(p)).Select(p => $"added: {p}"));
        return diffs;
    }
}
