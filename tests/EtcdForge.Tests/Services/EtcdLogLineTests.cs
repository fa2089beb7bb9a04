using EtcdForge.Services;

namespace EtcdForge.Tests.Services;

// The line BootstrapCluster quotes when a member dies at once, taken from logs that Debian's etcd really wrote
// while dying: a corrupt database (zap's panic line, then a raw Go stack trace) and a taken port (fatal, with the
// trace inside the JSON; and the same in etcd 3.4's older text log).
public sealed class EtcdLogLineTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void A_corrupt_database_gives_etcds_reason_not_the_go_stack_trace()
    {
        var data = _dir.Combine("data");
        Directory.CreateDirectory(Path.Combine(data, "member", "wal"));
        Directory.CreateDirectory(Path.Combine(data, "member", "snap"));
        File.WriteAllBytes(Path.Combine(data, "member", "snap", "db"), Enumerable.Repeat((byte)0xde, 65536).ToArray());

        var log = DyingEtcd("127.0.22.60", data, "--logger", "zap");

        Assert.Contains("goroutine ", log); // the trace the line must not quote
        Assert.Equal("failed to open database: invalid database", EtcdLogLine.LastMeaningful(log));
    }

    [Fact]
    public void A_taken_port_gives_the_fatal_lines_message_and_error_in_both_log_formats()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse("127.0.22.61"), 2379);
        taken.Start();

        var zap = DyingEtcd("127.0.22.61", _dir.Combine("zap"), "--logger", "zap");
        var text = DyingEtcd("127.0.22.61", _dir.Combine("text"));

        Assert.Contains("\"stacktrace\":", zap);
        Assert.Equal("discovery failed: listen tcp 127.0.22.61:2379: bind: address already in use", EtcdLogLine.LastMeaningful(zap));
        Assert.Equal("etcdmain: listen tcp 127.0.22.61:2379: bind: address already in use", EtcdLogLine.LastMeaningful(text));
    }

    [Fact]
    public void An_empty_log_has_no_line()
    {
        Assert.Null(EtcdLogLine.LastMeaningful(""));
        Assert.Null(EtcdLogLine.LastMeaningful("\n  \n"));
    }

    // Runs Debian's etcd until it exits on its own and returns everything it wrote.
    private static string DyingEtcd(string address, string dataDir, params string[] extra)
    {
        // An etcd that does not die is killed by the runner's hang guard, which fails the test.
        var etcd = ExternalTool.Run("/usr/bin/etcd",
        [
            "--name", "x", "--data-dir", dataDir,
            "--listen-client-urls", $"http://{address}:2379", "--advertise-client-urls", $"http://{address}:2379",
            "--listen-peer-urls", $"http://{address}:2380", "--initial-advertise-peer-urls", $"http://{address}:2380",
            "--initial-cluster", $"x=http://{address}:2380", .. extra,
        ]);
        Assert.NotEqual(0, etcd.ExitCode);
        return etcd.Stdout + etcd.Stderr;
    }

    public void Dispose() => _dir.Dispose();
}
