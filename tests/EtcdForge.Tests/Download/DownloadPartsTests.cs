using EtcdForge.Download;

namespace EtcdForge.Tests.Download;

public sealed class DownloadPartsTests
{
    [Theory]
    [InlineData("etcd Version: 3.4.23\nGit SHA: Not provided\n", "3.4.23")]
    [InlineData("etcd Version: 3.6.0\nGit SHA: abc\nGo Version: go1.23\n", "3.6.0")]
    [InlineData("etcdctl version: 3.4.23\n", null)]
    public void Version_is_read_from_the_etcd_version_line(string output, string? expected) =>
        Assert.Equal(expected, EtcdVersionProbe.Parse(output));

    [Fact]
    public void Sums_lookup_matches_the_exact_file_name_in_text_and_binary_mode()
    {
        var sums = "aaaa  etcd-v3.5.21-linux-amd64.tar.gz.sig\nBBBB *etcd-v3.5.21-linux-amd64.tar.gz\n";
        Assert.Equal("bbbb", Sha256File.FindInSums(sums, "etcd-v3.5.21-linux-amd64.tar.gz"));
        Assert.Null(Sha256File.FindInSums(sums, "etcd-v3.5.21-linux-arm64.tar.gz"));
    }

    [Fact]
    public void Release_urls_follow_the_github_layout()
    {
        EtcdForge.Configuration.EtcdVersion.TryParse("3.5.21", out var v);
        var asset = new ReleaseAsset(v, "arm64", "https://mirror.example/etcd/");
        Assert.Equal("https://mirror.example/etcd/v3.5.21/etcd-v3.5.21-linux-arm64.tar.gz", asset.ArchiveUri.ToString());
        Assert.Equal("https://mirror.example/etcd/v3.5.21/SHA256SUMS", asset.SumsUri.ToString());
    }

    [Theory]
    [InlineData(null, false, true)]
    [InlineData("true", false, false)]
    [InlineData(null, true, false)]
    public void Progress_bar_only_for_an_interactive_terminal(string? ci, bool redirected, bool interactive) =>
        Assert.Equal(interactive, TransferDisplay.IsInteractive(ci, redirected));

    [Fact]
    public void Ci_progress_logs_each_quarter_once()
    {
        var log = new RecordingLog();
        new LogLineProgress(log).ShowAsync("x", progress =>
        {
            foreach (var done in new long[] { 0, 10, 24, 25, 26, 60, 99, 100 }) progress.Report(done, 100);
            return Task.FromResult(0);
        });
        Assert.Equal(["0%", "25%", "50%", "75%", "100%"], log.All.Select(l => l.Split(' ')[3]));
    }
}
