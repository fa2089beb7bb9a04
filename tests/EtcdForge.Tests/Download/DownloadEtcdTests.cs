using EtcdForge.Download;

namespace EtcdForge.Tests.Download;

public sealed class DownloadEtcdTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly ReleaseServer _server = new();
    private readonly DownloadRun _run;

    public DownloadEtcdTests() => _run = new DownloadRun(_temp);

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private void ServeRelease(byte[] archive, byte[]? sums = null)
    {
        _server.Serve($"v{ReleaseArchives.Version}/{ReleaseArchives.Name}", archive);
        _server.Serve($"v{ReleaseArchives.Version}/SHA256SUMS", sums ?? ReleaseArchives.Sums(ReleaseArchives.Sha256(archive)));
    }

    private void AssertNothingLeftBehind()
    {
        var files = _run.Files().Keys.ToList();
        Assert.Empty(files);
        Assert.DoesNotContain(_run.Directories(), d => d.StartsWith(_run.Layout.EtcdDir + "/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Release_is_downloaded_verified_unpacked_and_recorded()
    {
        ServeRelease(ReleaseArchives.Release);

        var binaries = await _run.RunAsync(DownloadRun.Settings(_server.BaseUrl));

        Assert.Equal("3.4.23", binaries.Version);
        Assert.Equal("release", binaries.Source);
        Assert.Equal($"{_server.BaseUrl}/v3.4.23/{ReleaseArchives.Name}", binaries.Origin);
        Assert.Equal(ReleaseArchives.Sha256(ReleaseArchives.Release), binaries.ArchiveSha256);
        Assert.Equal(Path.Combine(_run.Layout.EtcdDir, "3.4.23", "bin"), binaries.BinDir);
        Assert.Equal(File.ReadAllBytes("/usr/bin/etcd"), File.ReadAllBytes(binaries.Etcd));
        Assert.Equal(File.ReadAllBytes("/usr/bin/etcdctl"), File.ReadAllBytes(binaries.Etcdctl));
        Assert.False(binaries.HasEtcdutl);
        Assert.Equal(Artifacts.AtomicFile.ExecutableMode, File.GetUnixFileMode(binaries.Etcd));
        Assert.Equal(["etcd", "etcdctl"], Directory.GetFiles(binaries.BinDir).Select(Path.GetFileName).Order());
        Assert.Equal(binaries, EtcdBinaries.Load(_run.Layout));
        Assert.Contains(_run.Log.All, l => l.Contains("100% of"));
    }

    [Fact]
    public async Task Rerun_downloads_nothing_and_rewrites_nothing()
    {
        ServeRelease(ReleaseArchives.Release);
        await _run.RunAsync(DownloadRun.Settings(_server.BaseUrl));
        var requests = _server.Requests;
        var before = _run.Files();

        await _run.RunAsync(DownloadRun.Settings(_server.BaseUrl));

        Assert.Equal(2, requests);
        Assert.Equal(requests, _server.Requests);
        Assert.Equal(before, _run.Files());
        Assert.False(_run.LastChanged!.Value);
        Assert.Contains("DownloadEtcd: nothing changed", _run.Log.All);
    }

    [Fact]
    public async Task Corrupted_archive_is_rejected_and_leaves_nothing_behind()
    {
        var corrupted = (byte[])ReleaseArchives.Release.Clone();
        corrupted[corrupted.Length / 2] ^= 0xFF;
        ServeRelease(corrupted, ReleaseArchives.Sums(ReleaseArchives.Sha256(ReleaseArchives.Release)));

        var error = await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(DownloadRun.Settings(_server.BaseUrl)));

        Assert.Contains(ReleaseArchives.Name, error.Message);
        Assert.Contains(ReleaseArchives.Sha256(ReleaseArchives.Release), error.Message);
        Assert.Contains(ReleaseArchives.Sha256(corrupted), error.Message);
        Assert.DoesNotContain('\n', error.Message);
        AssertNothingLeftBehind();
    }

    [Fact]
    public async Task Wrong_sha256sums_entry_is_rejected()
    {
        ServeRelease(ReleaseArchives.Release, ReleaseArchives.Sums(new string('a', 64)));

        var error = await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(DownloadRun.Settings(_server.BaseUrl)));

        Assert.Contains("SHA256SUMS", error.Message);
        Assert.Contains(new string('a', 64), error.Message);
        AssertNothingLeftBehind();
    }

    [Fact]
    public async Task Sha256sums_without_a_line_for_the_archive_is_rejected()
    {
        ServeRelease(ReleaseArchives.Release, ReleaseArchives.Sums(ReleaseArchives.Sha256(ReleaseArchives.Release), "other.tar.gz"));

        var error = await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(DownloadRun.Settings(_server.BaseUrl)));

        Assert.Contains($"has no line for {ReleaseArchives.Name}", error.Message);
        AssertNothingLeftBehind();
    }

    [Fact]
    public async Task Wrong_pinned_sha256_is_rejected_even_when_sha256sums_agrees()
    {
        ServeRelease(ReleaseArchives.Release);
        var pinned = new string('b', 64);

        var error = await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(DownloadRun.Settings(_server.BaseUrl, sha256: pinned)));

        Assert.Contains(pinned, error.Message);
        Assert.Contains("etcd.sha256", error.Message);
        AssertNothingLeftBehind();
    }

    [Fact]
    public async Task Pinned_sha256_is_enough_without_sha256sums()
    {
        _server.Serve($"v{ReleaseArchives.Version}/{ReleaseArchives.Name}", ReleaseArchives.Release);

        var binaries = await _run.RunAsync(DownloadRun.Settings(_server.BaseUrl, sha256: ReleaseArchives.Sha256(ReleaseArchives.Release)));

        Assert.Equal("3.4.23", binaries.Version);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task Cached_archive_that_fails_verification_is_fetched_again()
    {
        ServeRelease(ReleaseArchives.Release);
        await _run.RunAsync(DownloadRun.Settings(_server.BaseUrl));
        var cached = _run.Files().Keys.Single(f => f.EndsWith(ReleaseArchives.Name, StringComparison.Ordinal));
        File.WriteAllText(cached, "damaged");

        var binaries = await _run.RunAsync(DownloadRun.Settings(_server.BaseUrl));

        Assert.Equal(4, _server.Requests);
        Assert.Equal(ReleaseArchives.Release, File.ReadAllBytes(cached));
        Assert.Equal("3.4.23", binaries.Version);
        Assert.Contains(_run.Log.Warnings, w => w.Contains("fetching it again"));
    }

    [Fact]
    public async Task Local_archive_is_used_in_place()
    {
        var archive = Path.Combine(_temp.Path, "offline", ReleaseArchives.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        File.WriteAllBytes(archive, ReleaseArchives.Release);
        var settings = DownloadRun.Settings($"http://127.0.0.1:{ReleaseServer.FreePort()}", sha256: ReleaseArchives.Sha256(ReleaseArchives.Release), archive: archive);

        var binaries = await _run.RunAsync(settings);

        Assert.Equal("archive", binaries.Source);
        Assert.Equal(archive, binaries.Origin);
        Assert.Equal("3.4.23", binaries.Version);
        Assert.True(File.Exists(binaries.Etcdctl));
        Assert.DoesNotContain(_run.Files().Keys, f => f.StartsWith(_run.Layout.Downloads, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Archive_without_etcd_is_rejected_and_leaves_nothing_behind()
    {
        ServeRelease(ReleaseArchives.ReleaseWithoutEtcd);

        var error = await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(DownloadRun.Settings(_server.BaseUrl)));

        Assert.Contains("has no etcd binary", error.Message);
        Assert.DoesNotContain(_run.Files().Keys, f => f.EndsWith(".tar.gz", StringComparison.Ordinal));
        Assert.DoesNotContain(_run.Directories(), d => d.StartsWith(_run.Layout.EtcdDir + "/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Archive_that_is_not_gzip_is_rejected_after_the_pinned_hash_matched()
    {
        var garbage = System.Text.Encoding.UTF8.GetBytes("<html>not an archive</html>");
        _server.Serve($"v{ReleaseArchives.Version}/{ReleaseArchives.Name}", garbage);

        var error = await Assert.ThrowsAsync<ForgeError>(() =>
            _run.RunAsync(DownloadRun.Settings(_server.BaseUrl, sha256: ReleaseArchives.Sha256(garbage))));

        Assert.Contains("is not a readable .tar.gz", error.Message);
        AssertNothingLeftBehind();
    }

    [Fact]
    public async Task Archive_entry_climbing_out_of_the_directory_is_refused()
    {
        var archive = Path.Combine(_temp.Path, ReleaseArchives.Name);
        var escaping = ReleaseArchives.Escaping();
        File.WriteAllBytes(archive, escaping);

        var error = await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(
            DownloadRun.Settings(_server.BaseUrl, sha256: ReleaseArchives.Sha256(escaping), archive: archive)));

        Assert.Contains("unsafe entry", error.Message);
        Assert.False(File.Exists(Path.Combine(_run.Layout.Cluster, "etcd")));
        Assert.True(File.Exists(archive), "the user's own archive is never deleted");
        AssertNothingLeftBehind();
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        ServeRelease(ReleaseArchives.Release);
        _server.DropNext(1);
        var binaries = await _run.RunAsync(DownloadRun.Settings(_server.BaseUrl));

        Assert.Equal("3.4.23", binaries.Version);
        Assert.Equal(3, _server.Requests);
        Assert.Contains(_run.Log.Warnings, w => w.Contains("retrying"));
    }

    [Fact]
    public async Task Unreachable_host_without_fallback_says_how_to_work_offline()
    {
        var closed = $"http://127.0.0.1:{ReleaseServer.FreePort()}";

        var error = await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(DownloadRun.Settings(closed)));

        Assert.IsNotType<ReleaseHostUnreachable>(error);
        Assert.Contains(closed + "/v3.4.23/", error.Message);
        Assert.Contains("Connection refused", error.Message);
        Assert.Contains("etcd.archive", error.Message);
        Assert.Contains("etcd.downloadUrl", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(2, _run.Log.Warnings.Count(w => w.Contains("retrying")));
        AssertNothingLeftBehind();
    }

    [Fact]
    public async Task Checksum_mismatch_stops_the_run_even_with_fallback()
    {
        ServeRelease(ReleaseArchives.Release, ReleaseArchives.Sums(new string('c', 64)));

        await Assert.ThrowsAsync<ForgeError>(() => _run.RunAsync(DownloadRun.Settings(_server.BaseUrl, fallback: true)));

        Assert.DoesNotContain(_run.Log.Warnings, w => w.Contains("Debian"));
        AssertNothingLeftBehind();
    }
}
