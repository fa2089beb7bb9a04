using System.Net;
using System.Net.Sockets;
using EtcdForge.Artifacts;
using EtcdForge.Nodes;
using EtcdForge.Remote;
using EtcdForge.Services;

namespace EtcdForge.Tests.Services;

// MemberStarter and ProcessService against a real, plain (no TLS) one-member etcd run by a local shell: the
// decisions come from one state read, and the fingerprint is recorded by the start itself.
public sealed class MemberStarterTests : IAsyncLifetime
{
    private static readonly IPAddress Address = IPAddress.Parse("127.0.1.240");
    private readonly TempDir _dir = new();
    private readonly LocalShell _shell = new("etcd1");
    private NodePaths _paths = null!;
    private ProcessService _service = null!;

    public Task InitializeAsync()
    {
        var root = _dir.Combine("node");
        _paths = new NodePaths(root, Path.Combine(root, "bin"), Path.Combine(root, "etc"), Path.Combine(root, "etc", "ssl"),
            Path.Combine(root, "data"), Path.Combine(root, "etcd.service"), Path.Combine(root, "run"));
        Directory.CreateDirectory(_paths.BinDir);
        Directory.CreateDirectory(_paths.ConfigDir);
        File.CreateSymbolicLink(Path.Combine(_paths.BinDir, "etcd"), "/usr/bin/etcd");
        WriteConfig(FreePort(), FreePort());
        _service = new ProcessService(_shell, _paths, asEtcdUser: false);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Starts_a_new_member_leaves_it_alone_restarts_it_for_new_files_and_rejoins_it_with_its_data()
    {
        Assert.Equal(new EtcdService.MemberState(false, false, null), await _service.StateAsync(default));

        Assert.Equal(MemberAction.Start, await new MemberStarter(_service, "fp-1").StartAsync(MemberAction.Start, default));
        var started = await _service.StateAsync(default);
        Assert.True(started.Running);
        Assert.Equal("fp-1", started.StartedFingerprint);

        Assert.Equal(MemberAction.Leave, await new MemberStarter(_service, "fp-1").StartAsync(MemberAction.Leave, default));
        // A plan that no longer holds (the member runs the files it was planned to start with) stops, changing nothing.
        var stale = await Assert.ThrowsAsync<NodeError>(() => new MemberStarter(_service, "fp-1").StartAsync(MemberAction.Start, default));
        Assert.Contains("the plan was to start it, but it now needs leave", stale.Message);
        // New files: a planned restart is left by StartAsync (RollingRestart paces the restarts), done by RestartAsync.
        Assert.Equal(MemberAction.Restart, await new MemberStarter(_service, "fp-2").StartAsync(MemberAction.Restart, default));
        Assert.Equal("fp-1", (await _service.StateAsync(default)).StartedFingerprint);
        await new MemberStarter(_service, "fp-2").RestartAsync(default);
        Assert.Equal("fp-2", (await _service.StateAsync(default)).StartedFingerprint);

        await WaitForDataDirAsync();
        await _service.StopAsync(default);
        var stopped = await _service.StateAsync(default);
        Assert.False(stopped.Running);
        Assert.True(stopped.HasData);
        Assert.Equal(MemberAction.Rejoin, await new MemberStarter(_service, "fp-2").StartAsync(MemberAction.Rejoin, default));
        Assert.True((await _service.StateAsync(default)).Running);
    }

    [Fact]
    public async Task An_etcd_that_dies_at_once_is_reported_with_its_log()
    {
        using var taken = new TcpListener(Address, 0);
        taken.Start();
        WriteConfig(((IPEndPoint)taken.LocalEndpoint).Port, FreePort());

        var error = await Assert.ThrowsAsync<NodeError>(() => _service.StartAsync(default, "fp-1"));

        // One line: etcd's own reason (not its stack trace), and where the whole log is.
        Assert.StartsWith("etcd1: etcd exited right after start; log: ", error.Message);
        Assert.Contains("address already in use", error.Message);
        Assert.EndsWith($"(full log: {_paths.LogFile})", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False((await _service.StateAsync(default)).Running);
    }

    // etcd writes its first WAL segment when it starts (what counts as data); the test stops it only once that exists.
    private async Task WaitForDataDirAsync()
    {
        var wal = Path.Combine(_paths.DataDir, "member", "wal");
        bool HasSegment() => Directory.Exists(wal) && Directory.EnumerateFiles(wal, "*.wal").Any();
        for (var i = 0; i < 100 && !HasSegment(); i++) await Task.Delay(100);
        Assert.True(HasSegment(), "etcd wrote no WAL segment");
    }

    private void WriteConfig(int clientPort, int peerPort)
    {
        var peer = $"http://{Address}:{peerPort}";
        File.WriteAllText(_paths.ConfigFile, $"""
            name: etcd1
            data-dir: {_paths.DataDir}
            listen-client-urls: http://{Address}:{clientPort}
            advertise-client-urls: http://{Address}:{clientPort}
            listen-peer-urls: {peer}
            initial-advertise-peer-urls: {peer}
            initial-cluster: etcd1={peer}
            initial-cluster-token: member-starter-test
            initial-cluster-state: new
            """);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(Address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await _service.StopAsync(default);
        _dir.Dispose();
    }
}
