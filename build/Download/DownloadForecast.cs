using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Download;

// What DownloadEtcd would do, judged from obtained.json, the cache and the configuration alone: Plan contacts
// neither the release host nor apt, and unpacks nothing.
public static class DownloadForecast
{
    /// <returns>null when DownloadEtcd would keep what obtained.json records (EtcdBinaries.Fits); otherwise what it
    /// would fetch.</returns>
    public static string? WouldDo(ArtifactLayout layout, EtcdSettings etcd, TimeProvider clock)
    {
        var recorded = EtcdBinaries.TryLoad(layout);
        if (recorded is not null && recorded.Fits(etcd, layout, clock)) return null;
        var from = etcd.Archive ?? ReleaseAsset.For(etcd.Version, etcd.DownloadUrl).ArchiveUri.ToString();
        return $"obtain etcd {etcd.Version} from {from}"
               + (etcd.Archive is null && etcd.DistributionFallback ? " (or Debian's packages when that host is unreachable)" : "")
               + (recorded is null ? "" : $", replacing etcd {recorded.Version} from {recorded.Origin}");
    }
}
