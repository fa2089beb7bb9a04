using System.Text.Json;
using EtcdForge.Artifacts;

namespace EtcdForge.Backup;

// The JSON written beside every snapshot: what Restore checks the file against, and what an operator reads to
// pick one. Revision and cluster version say which state it holds; the member IDs say which cluster it came from.
public sealed record BackupRecord(
    string File,
    string Sha256,
    long Size,
    long Revision,
    long TotalKeys,
    string ClusterVersion,
    string ServerVersion,
    string TakenFrom,
    IReadOnlyList<string> MemberIds,
    DateTimeOffset TakenAt,
    string CheckedWith)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string PathBeside(string snapshot) => Path.ChangeExtension(snapshot, ".json");

    public void WriteBeside(string snapshot) =>
        AtomicFile.Write(PathBeside(snapshot), JsonSerializer.SerializeToUtf8Bytes(this, Json), AtomicFile.PrivateMode);

    public static BackupRecord ReadBeside(string snapshot, string option)
    {
        var path = PathBeside(snapshot);
        if (!System.IO.File.Exists(path))
        {
            throw new ForgeError($"{option}: {snapshot} has no {Path.GetFileName(path)} beside it: Restore takes snapshots made by --target=Backup (their SHA-256 is checked first)");
        }
        try
        {
            return JsonSerializer.Deserialize<BackupRecord>(System.IO.File.ReadAllText(path), Json) is { Sha256.Length: 64 } record
                ? record
                : throw new ForgeError($"{option}: {path} names no SHA-256; it was not written by --target=Backup");
        }
        catch (JsonException ex)
        {
            throw new ForgeError($"{option}: {path} is not a backup record ({ex.Message}); it was not written by --target=Backup");
        }
    }
}
