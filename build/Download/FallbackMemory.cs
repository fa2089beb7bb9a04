using System.Text.Json;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Download;

// When the release host was unreachable and the distribution fallback was taken: downloadsDir/debian/fallback.json
// names the release archive asked for, why it failed and when. For an hour after that, a run that would ask for the
// same archive takes the fallback again at once (it says so): asking costs a DNS lookup or a refused connection,
// and retries, on every run of a machine without internet. After the hour, or for another archive, the release
// host is asked again. Written only when a fallback is newly taken, so a re-run within the hour changes no file.
public sealed class FallbackMemory(string downloadsDir, TimeProvider clock)
{
    public static readonly TimeSpan Reuse = TimeSpan.FromHours(1);

    public sealed record Unreachable(string Archive, string Host, string Reason, DateTimeOffset At)
    {
        // On every run within the hour, whether it fetches Debian's packages again or keeps what it has.
        public void WarnReused(string debianVersion, EtcdVersion requested, ICakeLog log) =>
            log.Warning("WARNING: {0} was unreachable at {1:u} ({2}); using Debian etcd-server {3} instead of requested {4} " +
                        "without asking again until {5:u}", Host, At, Reason, debianVersion, requested, At + Reuse);
    }

    private string File => Path.Combine(downloadsDir, "debian", "fallback.json");

    /// <returns>the recent failure to fetch archive, or null when the release host should be asked.</returns>
    public Unreachable? Recent(Uri archive)
    {
        try
        {
            return System.IO.File.Exists(File) && JsonSerializer.Deserialize<Unreachable>(System.IO.File.ReadAllText(File)) is { } known
                   && known.Archive == archive.ToString() && clock.GetUtcNow() - known.At is var age && age >= TimeSpan.Zero && age < Reuse
                ? known
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Remember(Uri archive, string reason) =>
        AtomicFile.Write(File, JsonSerializer.SerializeToUtf8Bytes(new Unreachable(archive.ToString(), archive.Host, reason, clock.GetUtcNow())),
            AtomicFile.PublicMode);
}
