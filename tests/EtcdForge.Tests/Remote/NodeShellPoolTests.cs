using EtcdForge.Nodes;

namespace EtcdForge.Tests.Remote;

// The run's shells: one SSH connection per node across tasks, replaced when it drops or its node failed.
[Collection(TestHostsCollection.Name)]
public sealed class NodeShellPoolTests(TestHosts hosts)
{
    [TestHostFact]
    public async Task Tasks_share_one_connection_per_node()
    {
        var node = TestHosts.Node(2, "root", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts);
        await using var pool = new NodeShellPool(TestHosts.Ssh);

        var connections = await ConnectionsTo(2, async () =>
        {
            for (var task = 0; task < 3; task++) (await (await pool.GetAsync(node, default)).RunAsync("true")).EnsureSuccess("true");
        });

        Assert.Equal(1, connections);
    }

    [TestHostFact]
    public async Task A_dropped_or_forgotten_connection_is_replaced()
    {
        var node = TestHosts.Node(3, "root", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts);
        await using var pool = new NodeShellPool(TestHosts.Ssh);
        var first = await pool.GetAsync(node, default);

        // The command's nearest sshd ancestor serves this connection alone: killing it drops the connection.
        const string killOwnConnection =
            "p=$PPID; while [ \"$(cat /proc/$p/comm)\" != sshd ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done; kill -9 $p";
        try { await first.RunAsync(killOwnConnection); }
        catch (ForgeError) { } // the connection may go before the command's exit status arrives
        for (var i = 0; i < 100 && first.IsOpen; i++) await Task.Delay(100);
        Assert.False(first.IsOpen, "the connection did not drop");
        var second = await pool.GetAsync(node, default);
        Assert.NotSame(first, second);
        Assert.Equal("ok\n", (await second.RunAsync("echo ok")).Stdout);

        await pool.ForgetAsync(node);
        var third = await pool.GetAsync(node, default);
        Assert.NotSame(second, third);
        Assert.False(second.IsOpen);
        Assert.Equal("ok\n", (await third.RunAsync("echo ok")).Stdout);
    }

    private static Task<int> ConnectionsTo(int host, Func<Task> action) => TestHosts.SshdLogLinesDuring(host, "Accepted publickey", action);
}
