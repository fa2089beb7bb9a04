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

    /// <summary>The one rule of "the download fits": DownloadEtcd keeps this record without asking the release host or
    /// apt, and Plan shows nothing to obtain. The version asked for is the one described and both binaries are there,
    /// from the same place: the same etcd.archive, whose SHA-256 is still the recorded one and the expected one where
    /// one is pinned or listed beside it; the same release, with the pinned SHA-256 if one is, still cached as it was
    /// obtained (a damaged or deleted cache is fetched again); or the distribution fallback while the release host is
    /// remembered as unreachable (after that hour the host is asked again).</summary>
    public bool Fits(EtcdSettings etcd, ArtifactLayout layout, TimeProvider clock)
    {
        if (RequestedVersion != etcd.Version.ToString() || !File.Exists(Etcdctl)) return false;
        if (etcd.Archive is { } archive)
        {
            if (Source != EtcdPackage.FromArchive || Origin != archive || !File.Exists(archive) || Sha256File.Of(archive) != ArchiveSha256) return false;
            var expected = LocalArchive.Expected(archive, etcd.Sha256).Sha256;
            return expected is null || expected == ArchiveSha256;
        }
        var asset = ReleaseAsset.For(etcd.Version, etcd.DownloadUrl);
        return Source switch
        {
            EtcdPackage.FromRelease => Origin == asset.ArchiveUri.ToString() && (etcd.Sha256 is null || etcd.Sha256 == ArchiveSha256)
                && ReleaseDownload.CachedArchive(layout.Downloads, asset) is var cached && File.Exists(cached) && Sha256File.Of(cached) == ArchiveSha256,
            EtcdPackage.FromDistribution => etcd.DistributionFallback && new FallbackMemory(layout.Downloads, clock).Recent(asset.ArchiveUri) is not null,
            _ => false,
        };
    }

    /// <returns>true when the record changed.</returns>
    public bool Save(ArtifactLayout layout) =>
        AtomicFile.WriteIfChanged(layout.EtcdRecord, JsonSerializer.SerializeToUtf8Bytes(this, Json), AtomicFile.PublicMode);
}
