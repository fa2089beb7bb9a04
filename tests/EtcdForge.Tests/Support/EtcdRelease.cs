using System.Collections.Concurrent;
using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.Support;

// A real etcd release other than Debian's 3.4.23: tests/hosts/etcd-release.sh fetches Debian trixie/sid's
// etcd-server/etcd-client with a private apt configuration and packs them as the official release is laid out,
// cached outside the checkout (EF_CACHE_DIR, default /var/cache/etcd-forge-tests); the first call of a test run
// costs about 20 s on a fresh machine, later ones nothing.
//
// Use:
//   var release = EtcdRelease.Get();                    // 3.5.30; THROWS (the test fails, never skips) when it
//                                                       //   cannot be obtained, with the script's reason
//   release.ArchivePath, release.SumsPath               // etcd-v3.5.30-linux-amd64.tar.gz + SHA256SUMS
//   release.Tool("etcdutl"), release.Tool("etcdctl")    // the same binaries unpacked, for checks from outside
//   release.ServeOn(mirror)                             // a loopback ReleaseServer serves it: etcd.downloadUrl = mirror.BaseUrl
//   using var cluster = LoopbackCluster.Up(block: 24);  // three local members on 127.0.24.11-13 running 3.5.30,
//                                                       //   downloaded through such a mirror (see LoopbackCluster)
public sealed class EtcdRelease
{
    public const string V35 = "3.5.30";
    // Debian bookworm's own etcd, the one /usr/bin/etcd is; served from ReleaseArchives, not fetched.
    public const string V34 = ReleaseArchives.Version;

    private static readonly ConcurrentDictionary<string, Lazy<EtcdRelease>> Fetched = new();

    private EtcdRelease(string version, string directory)
    {
        Version = version;
        Directory = directory;
    }

    public string Version { get; }
    public string Directory { get; }
    public string ArchiveName => $"etcd-v{Version}-linux-amd64.tar.gz";
    public string ArchivePath => Path.Combine(Directory, ArchiveName);
    public string SumsPath => Path.Combine(Directory, "SHA256SUMS");
    public string Tool(string name) => Path.Combine(Directory, $"etcd-v{Version}-linux-amd64", name);

    public static EtcdRelease Get(string version = V35) =>
        Fetched.GetOrAdd(version, v => new Lazy<EtcdRelease>(() => Fetch(v))).Value;

    // The release host serves VERSION at v{VERSION}/ as GitHub lays it out: 3.4.23 from Debian's own binaries
    // (ReleaseArchives), any other version fetched by Get.
    public static void Serve(ReleaseServer server, string version)
    {
        if (version != V34)
        {
            Get(version).ServeOn(server);
            return;
        }
        server.Serve($"v{version}/{ReleaseArchives.Name}", ReleaseArchives.Release);
        server.Serve($"v{version}/SHA256SUMS", ReleaseArchives.Sums(ReleaseArchives.Sha256(ReleaseArchives.Release)));
    }

    // The release host serves this release at v{Version}/ as GitHub lays it out.
    public void ServeOn(ReleaseServer server)
    {
        server.Serve($"v{Version}/{ArchiveName}", File.ReadAllBytes(ArchivePath));
        server.Serve($"v{Version}/SHA256SUMS", File.ReadAllBytes(SumsPath));
    }

    private static EtcdRelease Fetch(string version)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "hosts", "etcd-release.sh");
        // A longer guard than a tool's: apt-get may wait on a slow mirror.
        var fetched = ExternalTool.RunWithin(TimeSpan.FromMinutes(10), "bash", null, script, version);
        if (fetched.ExitCode != 0)
        {
            throw new InvalidOperationException($"etcd {version} could not be obtained ({script} exited {fetched.ExitCode}): {fetched.Stderr.Trim()}");
        }
        var directory = fetched.Stdout.Trim().Split('\n').Last();
        var release = new EtcdRelease(version, directory);
        if (!File.Exists(release.ArchivePath) || !File.Exists(release.SumsPath))
        {
            throw new InvalidOperationException($"{script} said {directory}, which lacks {release.ArchiveName} or SHA256SUMS");
        }
        return release;
    }
}
