using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.BadInput;

// Bad etcd archives and mirrors, through the real host (--target=DownloadEtcd): one error line naming the file
// or URL and what to do; no binaries, no record, no archive and no partial file left in artifacts; and once the
// input is fixed, the same command succeeds.
public sealed class DownloadCorpusTests : IDisposable
{
    private const string Loopback = "127.0.2.1";
    private readonly TempDir _scratch = new();
    private string Artifacts => _scratch.Combine("artifacts");
    private static string Genuine => ReleaseArchives.Sha256(ReleaseArchives.Release);

    [Fact]
    public void Wrong_pinned_sha256()
    {
        using var server = Mirror(ReleaseArchives.Release);
        var wrong = new string('0', 64);

        var error = Fails(Config(server.BaseUrl, sha256: wrong), out var run);

        ErrorContract.Says(error, run, $"{server.BaseUrl}/v{ReleaseArchives.Version}/{ReleaseArchives.Name}: SHA-256 mismatch",
            $"expected {wrong} (etcd.sha256), got {Genuine}", "the file was removed", "check etcd.sha256");
        NothingObtained();
        Converges(Config(server.BaseUrl, sha256: Genuine));
    }

    [Fact]
    public void Sha256sums_that_disagree_with_the_archive()
    {
        using var server = Mirror(ReleaseArchives.Release, sums: ReleaseArchives.Sums(new string('e', 64)));

        var error = Fails(Config(server.BaseUrl), out var run);

        var sums = $"{server.BaseUrl}/v{ReleaseArchives.Version}/SHA256SUMS";
        ErrorContract.Says(error, run, "SHA-256 mismatch", $"({sums}), got {Genuine}", $"check {sums}");
        NothingObtained();
        server.Serve($"v{ReleaseArchives.Version}/SHA256SUMS", ReleaseArchives.Sums(Genuine));
        Converges(Config(server.BaseUrl));
    }

    [Fact]
    public void Truncated_archive()
    {
        var archive = _scratch.Combine("downloads", ReleaseArchives.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        File.WriteAllBytes(archive, ReleaseArchives.Release[..(ReleaseArchives.Release.Length / 3)]);

        var error = Fails(Config(archive: archive), out var run);

        ErrorContract.Says(error, run, $"{archive} is not a readable .tar.gz", "fetch the release archive again");
        NothingObtained();
        Assert.True(File.Exists(archive), "the user's own archive must never be deleted");
        File.WriteAllBytes(archive, ReleaseArchives.Release);
        Converges(Config(archive: archive));
    }

    [Fact]
    public void Archive_without_etcd_inside()
    {
        using var server = Mirror(ReleaseArchives.ReleaseWithoutEtcd);

        var error = Fails(Config(server.BaseUrl), out var run);

        ErrorContract.Says(error, run, $"{ReleaseArchives.Name} has no etcd binary inside", "use an official etcd release archive");
        NothingObtained();
        Serve(server, ReleaseArchives.Release);
        Converges(Config(server.BaseUrl));
    }

    [Fact]
    public void Archive_with_an_unsupported_etcd_version()
    {
        var archive = _scratch.Combine("etcd-v3.3.27-linux-amd64.tar.gz");
        File.WriteAllBytes(archive, ReleaseArchives.Tiny("3.3.27", withEtcdctl: false));

        var error = Fails(Config(archive: archive), out var run);

        ErrorContract.Says(error, run, $"{archive} holds etcd 3.3.27, which is not supported", "use a release of 3.4.x, 3.5.x or 3.6.x");
        NothingObtained();
        var genuine = _scratch.Combine(ReleaseArchives.Name);
        File.WriteAllBytes(genuine, ReleaseArchives.Release);
        Converges(Config(archive: genuine));
    }

    // The README promises it: an archive is used only when its etcd is the version the description asks for.
    [Fact]
    public void Archive_whose_etcd_is_another_version_than_asked()
    {
        var archive = _scratch.Combine(ReleaseArchives.Name);
        File.WriteAllBytes(archive, ReleaseArchives.Tiny("3.4.22"));

        var error = Fails(Config(archive: archive), out var run);

        ErrorContract.Says(error, run, $"{archive} holds etcd 3.4.22, but etcd.version is {ReleaseArchives.Version}",
            $"use the etcd {ReleaseArchives.Version} release archive, or set etcd.version: 3.4.22");
        NothingObtained();
        File.WriteAllBytes(archive, ReleaseArchives.Release);
        Converges(Config(archive: archive));
    }

    [Fact]
    public void Version_missing_on_the_mirror()
    {
        using var server = new ReleaseServer(Loopback);

        var error = Fails(Config(server.BaseUrl), out var run);

        ErrorContract.Says(error, run, $"{server.BaseUrl}/v{ReleaseArchives.Version}/SHA256SUMS", "HTTP 404",
            "is the version released for this architecture?");
        NothingObtained();
        Serve(server, ReleaseArchives.Release);
        Converges(Config(server.BaseUrl));
    }

    [Fact]
    public void Release_host_unreachable_without_fallback()
    {
        var closed = $"http://{Loopback}:{ReleaseServer.FreePort()}/releases";

        var error = Fails(Config(closed), out var run);

        ErrorContract.Says(error, run, $"{closed}/v{ReleaseArchives.Version}/SHA256SUMS could not be fetched", "refused",
            $"set etcd.archive to a downloaded {ReleaseArchives.Name} or point etcd.downloadUrl at a mirror");
        NothingObtained();
    }

    private ReleaseServer Mirror(byte[] archive, byte[]? sums = null)
    {
        var server = new ReleaseServer(Loopback);
        Serve(server, archive, sums);
        return server;
    }

    private static void Serve(ReleaseServer server, byte[] archive, byte[]? sums = null)
    {
        server.Serve($"v{ReleaseArchives.Version}/{ReleaseArchives.Name}", archive);
        server.Serve($"v{ReleaseArchives.Version}/SHA256SUMS", sums ?? ReleaseArchives.Sums(ReleaseArchives.Sha256(archive)));
    }

    private string Fails(string config, out ForgeResult run)
    {
        run = ForgeProcess.Run($"--config={config}", "--target=DownloadEtcd", $"--artifacts={Artifacts}");
        return ErrorContract.OneLine(run);
    }

    // No record, no binaries, no archive, no partial download: at most the mirror's SHA256SUMS stays cached.
    private void NothingObtained()
    {
        var left = DirSnapshot.Of(Artifacts).Files.Keys.Where(f => Path.GetFileName(f) != "SHA256SUMS").ToList();
        Assert.True(left.Count == 0, "left behind after the failed run: " + string.Join(", ", left));
    }

    private void Converges(string fixedConfig)
    {
        var run = ForgeProcess.Run($"--config={fixedConfig}", "--target=DownloadEtcd", $"--artifacts={Artifacts}");
        Assert.True(run.ExitCode == 0, "the fixed input should succeed:\n" + run);
        Assert.True(File.Exists(Path.Combine(Artifacts, "badinput", "etcd", "obtained.json")), run.ToString());
        Assert.True(File.Exists(Path.Combine(Artifacts, "badinput", "etcd", ReleaseArchives.Version, "bin", "etcd")), run.ToString());
    }

    private string Config(string downloadUrl = $"http://{Loopback}:9/releases", string? sha256 = null, string? archive = null) =>
        _scratch.File($"cluster-{Guid.NewGuid():N}.yaml", $"""
            cluster:
              name: badinput
            etcd:
              version: {ReleaseArchives.Version}
              downloadUrl: {downloadUrl}
              sha256: {sha256 ?? "null"}
              archive: {archive ?? "null"}
            nodes:
              - name: etcd1
                address: 127.0.2.11
                connection: {"{ type: local }"}

            """);

    public void Dispose() => _scratch.Dispose();
}
