using System.Security.Cryptography;
using EtcdForge.Artifacts;

namespace EtcdForge.Tests.Support;

// Every file under a directory with its last-write time, content hash and mode, to prove a run changed nothing.
// The artifacts lock (ArtifactsLock's two files) is left out: it is the run's bookkeeping, not an artifact, and
// every run that gets as far as its first task takes it.
public sealed record DirSnapshot(IReadOnlyDictionary<string, (DateTime Mtime, string Sha256, UnixFileMode Mode)> Files)
{
    /// <param name="skipping">directories below root (relative) left out, e.g. a running member's tree.</param>
    public static DirSnapshot Of(string root, params string[] skipping)
    {
        var files = new SortedDictionary<string, (DateTime, string, UnixFileMode)>(StringComparer.Ordinal);
        if (Directory.Exists(root))
        {
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (System.IO.Path.GetFileName(path) is ArtifactsLock.FileName or ArtifactsLock.OwnerFileName) continue;
                if (skipping.Any(dir => path.StartsWith(System.IO.Path.Combine(root, dir) + "/", StringComparison.Ordinal))) continue;
                files[System.IO.Path.GetRelativePath(root, path)] =
                    (File.GetLastWriteTimeUtc(path), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), File.GetUnixFileMode(path));
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
            else if (now.Mode != before.Mode) diffs.Add($"mode changed: {path} ({before.Mode} -> {now.Mode})");
        }
        diffs.AddRange(after.Files.Keys.Where(p => !Files.ContainsKey(p)).Select(p => $"added: {p}"));
        return diffs;
    }
}
