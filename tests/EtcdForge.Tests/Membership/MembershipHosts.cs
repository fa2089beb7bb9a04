using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Membership;

// Five SSH test hosts of the membership suite's own (testhosts.sh at EF_TESTHOSTS_NET + 40: 198.18.40.11-15 by
// default), so its 3 -> 5 -> 3 run goes on beside the suites that take turns on the four shared TestHosts. etcd runs
// as a process (these hosts have no systemd). Dispose destroys the cluster with all five nodes, then the hosts.
public sealed class MembershipHosts() : MembershipCluster("scaling"), IAsyncLifetime
{
    public static HostSet Hosts { get; } = new(offset: 40, count: All.Length, stateSuffix: "membership");

    public override string Endpoint(int i) => $"https://{Hosts.Address(i)}:2379";

    protected override DescribedNode Node(int i) => Hosts.Member(i);

    public Task InitializeAsync() => Hosts.UpAsync();

    public async Task DisposeAsync()
    {
        try
        {
            Destroy();
        }
        finally
        {
            await Hosts.DownAsync();
            Dir.Dispose();
        }
    }
}
