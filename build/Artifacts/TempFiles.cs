using System.Text.RegularExpressions;

namespace EtcdForge.Artifacts;

// The one home of the names a run gives its temporary files and directories (a dot, the name, this process's
// PID), and of their removal: at the start of the next run, and when this run is interrupted (SIGINT, SIGTERM).
// A run killed outright (SIGKILL, power loss) cannot clean up; the next run does.
public static partial class TempFiles
{
    /// <summary>".NAME.PID.SUFFIX" in the directory of path: written, then renamed onto path.</summary>
    public static string Beside(string path, string suffix = "tmp") =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{suffix}");

    /// <summary>".NAME-PID" in parent: a directory filled, then renamed into place or removed.</summary>
    public static string Dir(string parent, string name) => Path.Combine(parent, $".{name}-{Environment.ProcessId}");

    /// <summary>Removes every temporary entry under dir (not descending into skipped directories) whose PID
    /// satisfies whose. Entries that vanish or cannot be removed meanwhile are left alone: this is tidying, and
    /// must never fail a run.</summary>
    /// <returns>the paths removed.</returns>
    public static IReadOnlyList<string> Remove(string dir, Func<int, bool> whose, params string[] skipped)
    {
        var removed = new List<string>();
        string[] entries;
        try
        {
            entries = Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            var isDir = Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint);
            var m = Pattern().Match(name);
            if (m.Success && int.TryParse(m.Groups["pid"].Value, out var pid) && whose(pid))
            {
                if (Delete(entry, isDir)) removed.Add(entry);
            }
            else if (isDir && !skipped.Contains(name))
            {
                removed.AddRange(Remove(entry, whose, skipped));
            }
        }
        return removed;
    }

    // On SIGINT another thread may still be writing into a staging directory: a few tries outlast its last file.
    private static bool Delete(string path, bool isDir)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (isDir) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (attempt == 4) return false;
            }
        }
    }

    /// <summary>A cluster's temporary files (not under nodes/, which DeployNodes tidies on the node's terms) and
    /// the shared cache's (downloads, compressed binaries).</summary>
    public static IReadOnlyList<string> Remove(ArtifactLayout layout, Func<int, bool> whose) =>
        [.. Remove(layout.Cluster, whose, Path.GetFileName(layout.Nodes)), .. Remove(layout.SharedCache, whose)];

    // A process that no longer runs cannot be writing its temporary files.
    public static bool IsGone(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"^\..+[.-](?<pid>[0-9]+)(\.tmp|\.part)?$")]
    private static partial Regex Pattern();
}
