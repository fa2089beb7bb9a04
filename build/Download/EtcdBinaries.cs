using System.Text.Json;
using System.Text.Json.Serialization;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Download;

// What DownloadEtcd actually obtained. Later targets read this record instead of the configured version,
// because a distribution fallback may have produced a different one.
public sealed record EtcdBinaries(
    string Version,
    string RequestedVersion,
    string Source,
    string Origin,
    string ArchiveSha256,
    string BinDir)
{
    [JsonIgnore] public EtcdVersion ParsedVersion => EtcdVersion.TryParse(Version, out var v) ? v : throw new ForgeError($"etcd reported an unreadable version '{Version}'");
    [JsonIgnore] public string Etcd => Path.Combine(BinDir, "etcd");
    [JsonIgnore] public string Etcdctl => Path.Combine(BinDir, "etcdctl");
    [JsonIgnore] public string Etcdutl => Path.Combine(BinDir, "etcdutl");
    [JsonIgnore] public bool HasEtcdutl => File.Exists(Etcdutl);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static EtcdBinaries Load(ArtifactLayout layout)
    {
        if (!File.Exists(layout.EtcdRecord))
        {
            throw new ForgeError($"{layout.EtcdRecord} is missing: run --target=DownloadEtcd first");
        }
        var record = JsonSerializer.Deserialize<EtcdBinaries>(File.ReadAllText(layout.EtcdRecord), Json)
            ?? throw new ForgeError($"{layout.EtcdRecord} is empty: run --target=DownloadEtcd again");
        if (!File.Exists(record.Etcd)) throw new ForgeError($"{record.Etcd} is missing: run --target=DownloadEtcd again");
        return record;
    }

    // The record when there is a usable one; null when it is missing or damaged (then it is simply made again).
    public static EtcdBinaries? TryLoad(ArtifactLayout layout)
    {
        if (!File.Exists(layout.EtcdRecord)) return null;
        try
        {
            return Load(layout);
        }
        catch (Exception ex) when (ex is ForgeError or JsonException)
        {
            return null;
        }
    }

    /// <returns>true when the record changed.</returns>
    public bool Save(ArtifactLayout layout) =>
        AtomicFile.WriteIfChanged(layout.EtcdRecord, JsonSerializer.SerializeToUtf8Bytes(this, Json), AtomicFile.PublicMode);
}
