using EtcdForge.Artifacts;
using EtcdForge.Reporting;

namespace EtcdForge.Download;

// The release archive, verified and cached under downloadsDir/etcd/v{V}/ so a re-run fetches nothing.
// Files are fetched to temporary names and renamed into the cache only once the hash matched.
public sealed class ReleaseDownload(string downloadsDir, HttpDownloader downloader, ITransferDisplay display, ICakeLog log)
{
    public async Task<TarballPackage> ObtainAsync(ReleaseAsset asset, string? pinnedSha256, ChangeSummary summary)
    {
        var archive = CachedArchive(downloadsDir, asset);
        var dir = Path.GetDirectoryName(archive)!;
        var sums = Path.Combine(dir, "SHA256SUMS");
        if (File.Exists(archive))
        {
            var expected = pinnedSha256 ?? (File.Exists(sums) ? Sha256File.FindInSums(File.ReadAllText(sums), asset.ArchiveName) : null);
            var actual = Sha256File.Of(archive);
            if (actual == expected)
            {
                summary.Unchanged(archive);
                return new TarballPackage(archive, EtcdPackage.FromRelease, asset.ArchiveUri.ToString(), actual, cached: true);
            }
            log.Warning("cached {0} does not match its expected SHA-256 {1} (has {2}); fetching it again",
                archive, expected ?? "(no SHA256SUMS entry)", actual);
            File.Delete(archive);
            File.Delete(sums);
        }

        Directory.CreateDirectory(dir);
        var tempSums = Temporary(sums);
        var tempArchive = Temporary(archive);
        try
        {
            var (expected, expectedFrom) = pinnedSha256 is { } pin
                ? (pin, "etcd.sha256")
                : (await ExpectedFromSumsAsync(asset, tempSums), asset.SumsUri.ToString());
            await display.ShowAsync(asset.ArchiveName, async progress =>
            {
                await downloader.FetchAsync(asset.ArchiveUri, tempArchive, progress);
                return true;
            });
            var actual = Sha256File.Of(tempArchive);
            if (actual != expected) throw Sha256File.Mismatch(asset.ArchiveUri.ToString(), expected, actual, expectedFrom);
            if (File.Exists(tempSums)) File.Move(tempSums, sums, overwrite: true);
            File.Move(tempArchive, archive, overwrite: true);
            summary.Record($"downloaded {asset.ArchiveUri}", $"sha256 {actual}");
            return new TarballPackage(archive, EtcdPackage.FromRelease, asset.ArchiveUri.ToString(), actual, cached: true);
        }
        finally
        {
            File.Delete(tempSums);
            File.Delete(tempArchive);
        }
    }

    public static string CachedArchive(string downloadsDir, ReleaseAsset asset) =>
        Path.Combine(downloadsDir, "etcd", $"v{asset.Version}", asset.ArchiveName);

    private async Task<string> ExpectedFromSumsAsync(ReleaseAsset asset, string tempSums)
    {
        await downloader.FetchAsync(asset.SumsUri, tempSums, NoProgress.Instance);
        return Sha256File.FindInSums(await File.ReadAllTextAsync(tempSums), asset.ArchiveName)
            ?? throw new ForgeError($"{asset.SumsUri} has no line for {asset.ArchiveName}; pin etcd.sha256 to use this archive anyway");
    }

    private static string Temporary(string path) => TempFiles.Beside(path, "part");

    private sealed class NoProgress : ITransferProgress
    {
        public static readonly NoProgress Instance = new();
        public void Report(long bytesDone, long? bytesTotal) { }
    }
}
