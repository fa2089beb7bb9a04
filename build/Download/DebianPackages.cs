using EtcdForge.Artifacts;
using EtcdForge.Reporting;

namespace EtcdForge.Download;

// The distribution fallback: Debian's etcd-server and etcd-client .debs, fetched with apt-get download
// (no installation, no root needed) and cached under downloadsDir/debian/. apt's own index supplies the
// SHA-256 each cached .deb is checked against, so a re-run uses the cache only while it is still current.
// Lists that do not know etcd (apt-get update never ran) are refreshed once, when this user may (AptListsRefresh).
public sealed class DebianPackages(string downloadsDir, ICakeLog log)
{
    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(5);
    private const string AptUpdateHint = "run `apt-get update` (as root) and try again, or configure etcd.archive";

    private static readonly string[] Packages = ["etcd-server", "etcd-client"];

    public async Task<DebianPackage> ObtainAsync(ChangeSummary summary)
    {
        var dir = Path.Combine(downloadsDir, "debian");
        Directory.CreateDirectory(dir);
        var apt = new AptCandidates(dir);
        var candidates = await apt.OfAsync(Packages) ?? await RefreshedCandidatesAsync(apt, summary);
        var server = await ObtainAsync("etcd-server", candidates["etcd-server"], dir, summary);
        var client = await ObtainAsync("etcd-client", candidates["etcd-client"], dir, summary);
        return new DebianPackage(server, client);
    }

    private async Task<DebianFile> ObtainAsync(string package, AptCandidates.Candidate candidate, string dir, ChangeSummary summary)
    {
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

    private async Task<IReadOnlyDictionary<string, AptCandidates.Candidate>> RefreshedCandidatesAsync(AptCandidates apt, ChangeSummary summary)
    {
        var package = string.Join("/", Packages);
        var refresh = AptListsRefresh.For(Environment.IsPrivilegedProcess, Environment.GetEnvironmentVariable("APT_CONFIG"));
        log.Warning("apt's package lists do not list {0} (apt-get update never ran here?); refreshing them: {1}", package, refresh);
        CommandResult result;
        try
        {
            result = await ExternalCommand.RunAsync(refresh.Program, refresh.Arguments, AptTimeout);
        }
        catch (ForgeError cannotRun)
        {
            throw new ForgeError(AptListsRefresh.CannotRefresh(package, cannotRun.Message), cannotRun);
        }
        if (result.ExitCode != 0)
        {
            throw refresh.Program == "sudo"
                ? new ForgeError(AptListsRefresh.CannotRefresh(package, result.LastErrorLine))
                : new ForgeError($"`{refresh}` failed: {result.LastErrorLine}; fix apt's sources, or configure etcd.archive");
        }
        summary.Record("refreshed apt's package lists", refresh.ToString());
        return await apt.OfAsync(Packages)
               ?? throw new ForgeError($"apt knows no {package} package, even with fresh package lists; configure etcd.archive");
    }
}

public sealed record DebianFile(string Package, string Version, string Path, string Sha256)
{
    // "3.4.23-4+b4" and "1:3.4.23-4" are both etcd 3.4.23.
    public string UpstreamVersion => Version[(Version.IndexOf(':') + 1)..].Split('-')[0];
}
