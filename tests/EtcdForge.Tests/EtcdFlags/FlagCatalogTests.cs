using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;
using EtcdForge.EtcdFlags;
using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.EtcdFlags;

// What etcd --help of a real binary says, read by FlagCatalog: Debian's 3.4.23 (/usr/bin/etcd) and 3.5.30
// (EtcdRelease), and the cache that spares a warm run from asking again.
public sealed class FlagCatalogTests : IDisposable
{
    private readonly TempDir _dir = new();
    private ArtifactLayout Layout => new(_dir.Combine("artifacts"), "flags");

    public void Dispose() => _dir.Dispose();

    // archiveSha256: what the cache is keyed by, as DownloadEtcd records it for the archive or package the binary came from.
    private static EtcdBinaries Binaries(string version, string binDir, char archiveSha256 = '0') =>
        new(version, version, "distribution", "test", new string(archiveSha256, 64), binDir);

    private static EtcdBinaries Debian34 => Binaries("3.4.23", "/usr/bin");

    [Fact]
    public void Etcd_3_4_help_gives_each_flag_the_kind_its_default_shows_or_etcds_definition_says()
    {
        var catalog = FlagCatalog.Of(Debian34, Layout);

        Assert.Equal(new EtcdVersion(3, 4, 23), catalog.Version);
        Assert.Equal(new FlagCatalog.Flag(FlagKind.Text, "info"), catalog.Flags["log-level"]);
        Assert.Equal(new FlagCatalog.Flag(FlagKind.Integer, "1572864"), catalog.Flags["max-request-bytes"]);
        Assert.Equal(new FlagCatalog.Flag(FlagKind.Bool, "false"), catalog.Flags["experimental-initial-corrupt-check"]);
        Assert.Equal(new FlagCatalog.Flag(FlagKind.Duration, "5s"), catalog.Flags["grpc-keepalive-min-time"]);
        Assert.Equal(new FlagCatalog.Flag(FlagKind.Integer, "10"), catalog.Flags["bcrypt-cost"]);
        // The help's '' and 'math.MaxUint32' hide the kind: etcd defines them as a duration and a number.
        Assert.Equal(FlagKind.Duration, catalog.Flags["backend-batch-interval"].Kind);
        Assert.Equal(FlagKind.Integer, catalog.Flags["max-concurrent-streams"].Kind);
        Assert.Equal(FlagKind.Text, catalog.Flags["listen-metrics-urls"].Kind);
        Assert.DoesNotContain("experimental-memory-mlock", catalog.Flags.Keys);
        // Usage lines ("etcd --version", "etcd --config-file") are not flags of the list.
        Assert.DoesNotContain("version", catalog.Flags.Keys);
        Assert.InRange(catalog.Flags.Count, 80, 120);
    }

    [Fact]
    public void Etcd_3_5_help_lists_its_newer_flags_with_their_kinds()
    {
        var release = EtcdRelease.Get(EtcdRelease.V35);
        var catalog = FlagCatalog.Of(Binaries(EtcdRelease.V35, Path.GetDirectoryName(release.Tool("etcd"))!), Layout);

        Assert.Equal(new EtcdVersion(3, 5, 30), catalog.Version);
        Assert.Equal(FlagKind.Bool, catalog.Flags["experimental-memory-mlock"].Kind);
        Assert.Equal(FlagKind.Duration, catalog.Flags["experimental-downgrade-check-time"].Kind);
        Assert.Equal(FlagKind.Integer, catalog.Flags["experimental-bootstrap-defrag-threshold-megabytes"].Kind);
        Assert.Equal(new FlagCatalog.Flag(FlagKind.Duration, "1m"), catalog.Flags["experimental-compact-hash-check-time"]);
        Assert.Equal(FlagKind.Text, catalog.Flags["log-rotation-config-json"].Kind);
        Assert.Equal(new FlagCatalog.Flag(FlagKind.Text, "not-yet"), catalog.Flags["v2-deprecation"]);
    }

    // Of writes nothing (Plan may ask); Record writes one file per obtained binary, once; a copy of the same binary
    // that cannot even run is then answered from that file, so a warm run does not run etcd --help. Another archive
    // (another key) is asked again.
    [Fact]
    public void Record_caches_per_binary_and_a_warm_lookup_does_not_run_etcd()
    {
        var bin = _dir.Combine("bin");
        Directory.CreateDirectory(bin);
        File.Copy("/usr/bin/etcd", Path.Combine(bin, "etcd"));
        var copy = Binaries("3.4.23", bin);
        FlagCatalog.Of(copy, Layout);
        Assert.Empty(DirSnapshot.Of(Layout.Root).Files);

        var first = new RecordingLog();
        var recorded = FlagCatalog.Record(copy, Layout, first);
        var cached = Assert.Single(Directory.GetFiles(Layout.EtcdFlagCatalogs));
        Assert.Equal($"{copy.ArchiveSha256}.1.json", Path.GetFileName(cached));
        Assert.Contains(first.All, l => l.Contains(cached) && l.Contains("flags etcd 3.4.23 knows"));
        var written = File.GetLastWriteTimeUtc(cached);
        var again = new RecordingLog();
        FlagCatalog.Record(copy, Layout, again);
        Assert.Empty(again.All);
        Assert.Equal(written, File.GetLastWriteTimeUtc(cached));

        var unrunnable = _dir.Combine("unrunnable");
        Directory.CreateDirectory(unrunnable);
        File.Copy("/usr/bin/etcd", Path.Combine(unrunnable, "etcd"));
        File.SetUnixFileMode(Path.Combine(unrunnable, "etcd"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(recorded.Flags, FlagCatalog.Of(Binaries("3.4.23", unrunnable), Layout).Flags);
        Assert.Throws<ForgeError>(() => FlagCatalog.Of(Binaries("3.4.23", unrunnable, archiveSha256: 'a'), Layout));
    }
}
