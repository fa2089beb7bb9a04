using EtcdForge.Artifacts;
using EtcdForge.Reporting;

namespace EtcdForge.Download;

// The distribution fallback: Debian's etcd-server and etcd-client .debs, fetched with apt-get download
// (no installation, no root needed) and cached under downloadsDir/debian/. apt's own index supplies the
// SHA-256 each cached .deb is checked against, so a re-run uses the cache only while it is still current.
public sealed class DebianPackages(string downloadsDir)
{
    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(5);
    private const string AptUpdateHint = "run `apt-get update` (as root) and try again, or configure etcd.archive";

    public async Task<DebianPackage> ObtainAsync(ChangeSummary summary)
    {
        var dir = Path.Combine(downloadsDir, "debian");
        Directory.CreateDirectory(dir);
        var server = await ObtainAsync("etcd-server", dir, summary);
        var client = await ObtainAsync("etcd-client", dir, summary);
        return new DebianPackage(server, client);
    }

    private static async Task<DebianFile> ObtainAsync(string package, string dir, ChangeSummary summary)
    {
        var candidate = await CandidateAsync(package);
        var cached = Path.Combine(dir, candidate.FileName);
        if (File.Exists(cached))
        {
            if (Sha256File.Of(cached) == candidate.Sha256)
            {
                summary.Unchanged(cached);
                return new DebianFile(package, candidate.Version, cached, candidate.Sha256);
            }
            File.Delete(cached);
        }

        var temp = TempFiles.Dir(dir, $"apt-{package}");
        try
        {
            Directory.CreateDirectory(temp);
            var download = await ExternalCommand.RunAsync("apt-get", ["download", $"{package}={candidate.Version}"], AptTimeout, temp);
            var fetched = Directory.GetFiles(temp, "*.deb").SingleOrDefault();
            if (download.ExitCode != 0 || fetched is null)
            {
                throw new ForgeError($"apt-get download {package} failed: {download.LastErrorLine}; {AptUpdateHint}");
            }
            var actual = Sha256File.Of(fetched);
            if (actual != candidate.Sha256)
            {
                throw Sha256File.Mismatch(Path.GetFileName(fetched), candidate.Sha256, actual, "apt-cache show");
            }
            File.Move(fetched, cached, overwrite: true);
            summary.Record($"downloaded Debian {package} {candidate.Version}", $"sha256 {actual}");
            return new DebianFile(package, candidate.Version, cached, actual);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private sealed record Candidate(string Version, string FileName, string Sha256);

    private static async Task<Candidate> CandidateAsync(string package)
    {
        var show = await ExternalCommand.RunAsync("apt-cache", ["show", "--no-all-versions", package], AptTimeout);
        var fields = show.Stdout.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0].Trim())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
        if (show.ExitCode != 0 || !fields.TryGetValue("Version", out var version)
            || !fields.TryGetValue("Filename", out var fileName) || !fields.TryGetValue("SHA256", out var sha))
        {
            throw new ForgeError($"apt knows no {package} package ({show.LastErrorLine}); {AptUpdateHint}");
        }
        return new Candidate(version, Path.GetFileName(fileName), sha.ToLowerInvariant());
    }
}

public sealed record DebianFile(string Package, string Version, string Path, string Sha256)
{
    // "3.4.23-4+b4" and "1:3.4.23-4" are both etcd 3.4.23.
    public string UpstreamVersion => Version[(Version.IndexOf(':') + 1)..].Split('-')[0];
}
