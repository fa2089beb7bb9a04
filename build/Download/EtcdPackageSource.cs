using EtcdForge.Configuration;
using EtcdForge.Reporting;

namespace EtcdForge.Download;

// Decides where etcd comes from: etcd.archive when set, else the release host, else (only when the
// host cannot be reached and etcd.distributionFallback allows it) the distribution's packages.
public sealed class EtcdPackageSource(ReleaseDownload release, DebianPackages debian, FallbackMemory memory, ICakeLog log)
{
    public async Task<EtcdPackage> ObtainAsync(EtcdSettings etcd, ChangeSummary summary)
    {
        if (etcd.Archive is { } archive) return LocalArchive.Verify(archive, etcd.Sha256, log);

        var asset = ReleaseAsset.For(etcd.Version, etcd.DownloadUrl);
        if (etcd.DistributionFallback && memory.Recent(asset.ArchiveUri) is { } recent)
        {
            var again = await ObtainFallbackAsync(new ReleaseHostUnreachable(asset.ArchiveUri, recent.Reason, null), summary);
            recent.WarnReused(again.Server.UpstreamVersion, etcd.Version, log);
            return again;
        }
        try
        {
            return await release.ObtainAsync(asset, etcd.Sha256, summary);
        }
        catch (ReleaseHostUnreachable unreachable) when (!etcd.DistributionFallback)
        {
            throw new ForgeError(
                $"{unreachable.Message}. To work offline, set etcd.archive to a downloaded {asset.ArchiveName} "
                + "or point etcd.downloadUrl at a mirror with the same layout", unreachable);
        }
        catch (ReleaseHostUnreachable unreachable)
        {
            var packages = await ObtainFallbackAsync(unreachable, summary);
            memory.Remember(asset.ArchiveUri, unreachable.Reason);
            log.Warning("WARNING: {0} unreachable ({1}); using Debian etcd-server {2} instead of requested {3}",
                unreachable.Uri.Host, unreachable.Reason, packages.Server.UpstreamVersion, etcd.Version);
            return packages;
        }
    }

    private async Task<DebianPackage> ObtainFallbackAsync(ReleaseHostUnreachable unreachable, ChangeSummary summary)
    {
        try
        {
            return await debian.ObtainAsync(summary);
        }
        catch (ForgeError fallbackFailed)
        {
            throw new ForgeError($"{unreachable.Message}, and the distribution fallback failed: {fallbackFailed.Message}", fallbackFailed);
        }
    }
}
