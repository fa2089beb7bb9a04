using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Download;

// What DownloadEtcd would do, judged from obtained.json, the cache and the configuration alone: Plan contacts
// neither the release host nor apt, and unpacks nothing.
public static class DownloadForecast
{
    /// <returns>null when DownloadEtcd would keep what obtained.json records; otherwise what it would fetch.</returns>
    public static string? WouldDo(ArtifactLayout layout, EtcdSettings etcd)
    {
        var recorded = EtcdBinaries.TryLoad(layout);
        if (recorded is not null && Fits(recorded, etcd)) return null;
        var from = etcd.Archive ?? ReleaseAsset.For(etcd.Version, etcd.DownloadUrl).ArchiveUri.ToString();
        return $"obtain etcd {etcd.Version} from {from}"
               + (etcd.Archive is null && etcd.DistributionFallback ? " (or Debian's packages when that host is unreachable)" : "")
               + (recorded is null ? "" : $", replacing etcd {recorded.Version} from {recorded.Origin}");
    }

    // The rules EtcdInstaller and the package source apply: the same version asked for, the same archive (by its
    // SHA-256) or release, both binaries present. A distribution fallback counts while the fallback is allowed.
    private static bool Fits(EtcdBinaries recorded, EtcdSettings etcd)
    {
        if (recorded.RequestedVersion != etcd.Version.ToString() || !File.Exists(recorded.Etcdctl)) return false;
        if (etcd.Archive is { } archive)
        {
            return recorded.Source == "archive" && recorded.Origin == archive && File.Exists(archive) && Sha256File.Of(archive) == recorded.ArchiveSha256;
        }
        return recorded.Source switch
        {
            "release" => recorded.Origin == ReleaseAsset.For(etcd.Version, etcd.DownloadUrl).ArchiveUri.ToString(),
            "distribution" => etcd.DistributionFallback,
            _ => false,
        };
    }
}
