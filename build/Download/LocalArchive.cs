namespace EtcdForge.Download;

// etcd.archive: an archive already on disk, for machines without access to the release host.
// It is used where it is, never copied, and never deleted: it belongs to the user.
public static class LocalArchive
{
    public static TarballPackage Verify(string path, string? pinnedSha256, ICakeLog log)
    {
        var actual = Sha256File.Of(path);
        var sums = Path.Combine(Path.GetDirectoryName(path)!, "SHA256SUMS");
        var (expected, expectedFrom) = pinnedSha256 is { } pin
            ? (pin, "etcd.sha256")
            : (File.Exists(sums) ? Sha256File.FindInSums(File.ReadAllText(sums), Path.GetFileName(path)) : null, sums);
        if (expected is null)
        {
            log.Warning("{0} is not verified: no etcd.sha256 pinned and no SHA256SUMS entry beside it (sha256 {1})", path, actual);
        }
        else if (expected != actual)
        {
            throw new ForgeError($"{path}: SHA-256 mismatch: expected {expected} ({expectedFrom}), got {actual}; " +
                $"the archive is damaged or not the one meant: fetch it again or correct {expectedFrom}");
        }
        return new TarballPackage(path, "archive", path, actual, cached: false);
    }
}
