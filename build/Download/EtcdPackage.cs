namespace EtcdForge.Download;

// A verified file (or pair of .debs) that holds the etcd binaries, ready to unpack.
public abstract class EtcdPackage(string source, string origin, string sha256)
{
    // Where it came from, as obtained.json records it (EtcdBinaries.Source).
    public const string FromArchive = "archive";
    public const string FromRelease = "release";
    public const string FromDistribution = "distribution";

    public string Source { get; } = source;
    public string Origin { get; } = origin;
    public string Sha256 { get; } = sha256;

    // A release or etcd.archive must hold the configured version; the distribution's fallback brings what it
    // has, with a warning, because the point of it is to get some supported etcd when the release host is away.
    public virtual bool MayHoldAnotherVersion => false;

    public abstract Task UnpackIntoAsync(string binDir);

    // Removes what this run downloaded, so a package that turned out unusable is not reused next time.
    public abstract void Discard();
}
