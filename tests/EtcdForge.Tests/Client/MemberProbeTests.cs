using System.Net;
using System.Net.Sockets;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Tests.Pki;

namespace EtcdForge.Tests.Client;

public sealed class MemberProbeTests
{
    // Before etcd listens, a probe must say "refused" rather than wait out its deadline retrying: the
    // SingleNodeTest and BootstrapCluster checks ask members that are not up yet, and poll again themselves.
    [Fact]
    public async Task A_member_that_is_not_listening_is_reported_refused_not_timed_out()
    {
        using var pki = new PkiWorkspace(nodeCount: 1);
        pki.InitAndIssue();
        var address = IPAddress.Parse("127.0.1.250");
        var cluster = pki.Configure("ecdsa-p256", new PkiWorkspace.NodeSpec("etcd1", address.ToString(), []));
        var port = ClosedPort(address);
        cluster = cluster with { Etcd = cluster.Etcd with { ClientPort = port }, Nodes = [cluster.Nodes[0] with { ClientUrl = Node.HttpsUrl(address, port) }] };

        var answer = Assert.Single(await new MemberProbe(cluster, ClusterIdentities.Operator(cluster, pki.Layout)).AskAllAsync(default));

        Assert.False(answer.Healthy);
        Assert.Contains("Connection refused", answer.Detail);
        Assert.DoesNotContain("DeadlineExceeded", answer.Detail);
    }

    // A port that was free a moment ago: bound by the kernel's choice, then released.
    private static int ClosedPort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
