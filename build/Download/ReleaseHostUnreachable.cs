namespace EtcdForge.Download;

// Only this failure may switch to the distribution's packages: the release could not be fetched at all.
// A checksum mismatch or an HTTP error answer is a different ForgeError and stops the run.
public sealed class ReleaseHostUnreachable(Uri uri, string reason, Exception? inner)
    : ForgeError($"{uri} could not be fetched: {reason}", inner)
{
    public Uri Uri { get; } = uri;
    public string Reason { get; } = reason;
}
