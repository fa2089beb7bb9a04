namespace EtcdForge.Download;

// etcd.archive: an archive already on disk, for machines without access to the release host.
// It is used where it is, never copied, and never deleted: it belongs to the user.
public static class LocalArchive
{
    public static TarballPackage Verify(string path, string? pinnedSha256, ICakeLog log)
    {
        var actual = Sha256File.Of(path);
        var (expected, expectedFrom) = Expected(path, pinnedSha256);
        if (expected is null)
        {
            WarnUnverified(path, actual, log);
        }
        else if (expected != actual)
        {
            throw new ForgeError($"{path}: SHA-256 mismatch: expected {expected} ({expectedFrom}), got {actual}; " +
                $"the archive is damaged or not the one meant: fetch it again or correct {expectedFrom}");
        }
        return new TarballPackage(path, EtcdPackage.FromArchive, path, actual, cached: false);
    }

    /// <returns>the SHA-256 the archive must have (etcd.sha256 when pinned, else its line in a SHA256SUMS beside it) and
    /// where that comes from; null when neither says.</returns>
    public static (string? Sha256, string From) Expected(string path, string? pinnedSha256)
    {
        if (pinnedSha256 is { } pin) return (pin, "etcd.sha256");
        var sums = Path.Combine(Path.GetDirectoryName(path)!, "SHA256SUMS");
        return (File.Exists(sums) ? Sha256File.FindInSums(File.ReadAllText(sums), Path.GetFileName(path)) : null, sums);
    }

    // Said on every run that uses such an archive, also when its binaries are kept.
    public static void WarnUnverified(string path, string sha256, ICakeLog log) =>
        log.Warning("{0} is not verified: no etcd.sha256 pinned and no SHA256SUMS entry beside it (sha256 {1})", path, sha256);
}
