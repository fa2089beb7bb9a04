using System.Text;
using System.Text.Json;
using EtcdForge.Artifacts;

namespace EtcdForge.Download;

// Which version of each package apt would download (apt-cache show: version, file name, SHA-256), remembered in
// downloadsDir/debian/candidates.json with a stamp of what apt's answer depends on: its package lists and its
// preferences (names, sizes, modification times, where this apt configuration keeps them). apt-cache rebuilds its
// cache from the lists on every call where none is kept (Docker-style images, like this machine: about 1 s of CPU
// per call); as long as the stamp holds, the answer is the same, so a re-run of the distribution fallback asks apt
// nothing. `apt-get update` or a new pin changes the stamp, and apt is asked again.
public sealed class AptCandidates(string dir)
{
    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(5);

    public sealed record Candidate(string Version, string FileName, string Sha256);

    private sealed record Remembered(string Stamp, Dictionary<string, Candidate> Candidates);

    private string File => Path.Combine(dir, "candidates.json");

    /// <returns>each package's candidate; null when apt's lists do not list one of them.</returns>
    public async Task<IReadOnlyDictionary<string, Candidate>?> OfAsync(IReadOnlyList<string> packages)
    {
        var stamp = await StampAsync();
        if (Recall() is { } known && known.Stamp == stamp && packages.All(known.Candidates.ContainsKey)) return known.Candidates;
        var found = await ShowAsync(packages);
        if (found is null) return null;
        AtomicFile.Write(File, JsonSerializer.SerializeToUtf8Bytes(new Remembered(stamp, found)), AtomicFile.PublicMode);
        return found;
    }

    private Remembered? Recall()
    {
        try
        {
            return System.IO.File.Exists(File) ? JsonSerializer.Deserialize<Remembered>(System.IO.File.ReadAllText(File)) : null;
        }
        catch (JsonException)
        {
            return null; // asked again, and rewritten
        }
    }

    // apt-config names the directories of this apt configuration (APT_CONFIG included) without building any cache.
    private static async Task<string> StampAsync()
    {
        var config = await ExternalCommand.RunAsync("apt-config", ["shell", "LISTS", "Dir::State::lists/d", "ETC", "Dir::Etc/d"], AptTimeout);
        var stamp = new StringBuilder(config.Stdout);
        foreach (var line in config.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = line[(line.IndexOf('=') + 1)..].Trim('\'', '"');
            var files = line.StartsWith("LISTS=", StringComparison.Ordinal)
                ? Listed(path, "*")
                : Listed(Path.Combine(path, "preferences.d"), "*").Append(Path.Combine(path, "preferences"));
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                if (info.Exists) stamp.Append($"{file} {info.Length} {info.LastWriteTimeUtc.Ticks}\n");
            }
        }
        return stamp.ToString();
    }

    private static IEnumerable<string> Listed(string dir, string pattern) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, pattern) : [];

    // One apt-cache call for every package: each call costs the cache rebuild.
    private static async Task<Dictionary<string, Candidate>?> ShowAsync(IReadOnlyList<string> packages)
    {
        var show = await ExternalCommand.RunAsync("apt-cache", ["show", "--no-all-versions", .. packages], AptTimeout);
        if (show.ExitCode != 0) return null;
        var found = new Dictionary<string, Candidate>();
        foreach (var stanza in show.Stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = stanza.Split('\n')
                .Select(line => line.Split(':', 2))
                .Where(pair => pair.Length == 2 && !pair[0].StartsWith(' '))
                .GroupBy(pair => pair[0].Trim())
                .ToDictionary(g => g.Key, g => g.First()[1].Trim());
            if (fields.TryGetValue("Package", out var name) && fields.TryGetValue("Version", out var version)
                && fields.TryGetValue("Filename", out var fileName) && fields.TryGetValue("SHA256", out var sha))
            {
                found.TryAdd(name, new Candidate(version, Path.GetFileName(fileName), sha.ToLowerInvariant()));
            }
        }
        return packages.All(found.ContainsKey) ? found : null;
    }
}
