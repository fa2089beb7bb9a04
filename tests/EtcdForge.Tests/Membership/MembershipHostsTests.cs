using System.Net.Sockets;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Membership;

// 3 -> 5 -> 3 over SSH on five test hosts of this suite's own (a collection of its own, so it runs beside the
// others): a writer runs throughout, both additions are one description edit, the removed pair includes the leader,
// Verify passes after each step, Debian's etcdctl sees no learner left behind and no acknowledged write is lost.
public sealed class MembershipHostsTests(MembershipHosts cluster) : IClassFixture<MembershipHosts>
{
    private static readonly int[] Three = [1, 2, 3];

    [TestHostFact]
    public async Task Three_to_five_to_three_over_ssh_removing_the_leader_loses_no_acknowledged_write_and_leaves_no_learner()
    {
        Assert.Contains("Verify: all", cluster.ForgeSucceeds(Three, "--target=Verify").Output);
        await using var writer = ContinuousWriter.Start(cluster.Endpoints(MembershipCluster.All), cluster.Files.CaCert, cluster.Files.ClientCert, cluster.Files.ClientKey, "ef-scaling");
        await writer.WaitForMoreAsync(20);

        // etcd4 and etcd5 in one edit: added one at a time, each promoted before the next is added.
        Assert.Contains("Verify: all", cluster.ForgeSucceeds(MembershipCluster.All, "--target=Verify").Output);
        var five = VotersOnly(MembershipCluster.All);
        Assert.Equal(["add-learner etcd4", "promote etcd4", "add-learner etcd5", "promote etcd5"], cluster.Log().Select(e => $"{e.Change} {e.Node}"));
        await writer.WaitForMoreAsync(20);

        var leader = five.Single(m => m.Id == cluster.LeaderId(cluster.Endpoints(MembershipCluster.All)));
        var leaderIndex = int.Parse(leader.Name["etcd".Length..]);
        int[] removed = [leaderIndex, leaderIndex == 5 ? 4 : 5];
        var kept = MembershipCluster.All.Except(removed).ToArray();
        var shrink = cluster.ForgeSucceeds(kept, "--target=Verify", "--yes");
        Assert.Contains($"[{leader.Name}] was the leader: leadership moved to", shrink.Output);
        Assert.Contains("Verify: all", shrink.Output);
        VotersOnly(kept);
        foreach (var gone in removed) AssertCleanedUp(gone);
        await writer.WaitForMoreAsync(20);

        var report = await writer.StopAsync();
        await report.AssertNoLossAsync(cluster.Endpoints(kept), cluster.Files.CaCert, cluster.Files.ClientCert, cluster.Files.ClientKey);
    }

    // Debian's etcdctl lists exactly these nodes, every one a voting member.
    private IReadOnlyList<(string Name, string PeerUrl, bool Learner, ulong Id)> VotersOnly(int[] nodes)
    {
        var members = cluster.MemberList(cluster.Endpoints(nodes));
        Assert.Equal(nodes.Select(i => $"etcd{i}"), members.Select(m => m.Name).Order());
        Assert.DoesNotContain(members, m => m.Learner);
        return members;
    }

    // A removed member's etcd is stopped and its files are gone from its host.
    private static void AssertCleanedUp(int host)
    {
        var root = MembershipHosts.Hosts.PrivateRoot(host);
        Assert.False(File.Exists(root + "/etc/etcd/etcd.conf.yml"), $"host{host} still has etcd.conf.yml");
        Assert.Empty(Directory.Exists(root + "/var/lib/etcd") ? Directory.EnumerateFileSystemEntries(root + "/var/lib/etcd") : []);
        using var probe = new TcpClient();
        var refused = Assert.ThrowsAny<SocketException>(() => probe.Connect(MembershipHosts.Hosts.Address(host), 2379));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
