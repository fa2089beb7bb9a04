namespace EtcdForge.Download;

// Stall rather than a plain per-request timeout, so a slow but moving 25 MB download is never cut off,
// while a dead connection fails within StallTimeout. Overall bounds every attempt of one file together.
public sealed record DownloadSettings(TimeSpan StallTimeout, TimeSpan OverallTimeout, int Attempts, TimeSpan FirstBackoff)
{
    public static readonly DownloadSettings Default = new(
        StallTimeout: TimeSpan.FromSeconds(30),
        OverallTimeout: TimeSpan.FromMinutes(15),
        Attempts: 3,
        // 1 s then 2 s: short enough that an unresolvable host costs seconds, long enough for a hiccup.
        FirstBackoff: TimeSpan.FromSeconds(1));
}
