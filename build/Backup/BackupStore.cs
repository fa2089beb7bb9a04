using System.Globalization;
using System.Text.RegularExpressions;

namespace EtcdForge.Backup;

// artifacts/<cluster>/backups/: one <cluster>-<UTC time>-rev<revision>.db per backup with its .json beside it.
// Names sort by time, so the newest N are the last N names.
public sealed partial class BackupStore(string directory, string cluster)
{
    public string Directory { get; } = directory;

    public string NameFor(DateTimeOffset takenAt, long revision) =>
        Path.Combine(Directory, $"{cluster}-{takenAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-rev{revision}.db");

    // A name before the snapshot is taken (Plan shows it; the revision is known only afterwards).
    public string PredictedName(DateTimeOffset at) => NameFor(at, 0).Replace("-rev0.db", "-rev<revision>.db", StringComparison.Ordinal);

    // Named as TempFiles names them, so a run killed mid-stream leaves nothing the next run does not remove.
    public string TempName() => Artifacts.TempFiles.Beside(Path.Combine(Directory, $"{cluster}-snapshot"), "part");

    public IReadOnlyList<string> All() => !System.IO.Directory.Exists(Directory)
        ? []
        : System.IO.Directory.GetFiles(Directory, $"{cluster}-*.db").Where(f => Pattern().IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList();

    public string? Newest() => All().LastOrDefault();

    /// <summary>Deletes all but the newest <paramref name="keep"/> backups (and their records); returns what it deleted.</summary>
    public IReadOnlyList<string> Prune(int keep)
    {
        var old = All().SkipLast(keep).ToList();
        foreach (var snapshot in old)
        {
            File.Delete(snapshot);
            File.Delete(BackupRecord.PathBeside(snapshot));
        }
        return old;
    }

    [GeneratedRegex(@"-\d{8}T\d{6}Z-rev\d+\.db$")]
    private static partial Regex Pattern();
}
