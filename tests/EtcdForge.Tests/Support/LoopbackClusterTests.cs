namespace EtcdForge.Tests.Support;

// A test class over one loopback cluster that its fixture brings up once (Verify in the fixture's constructor).
// Each test first checks that this worked, so a cluster that did not come up reads as that, with the run's output,
// and not as the test's own failure.
public abstract class LoopbackClusterTests<TCluster> : IClassFixture<TCluster> where TCluster : LoopbackCluster
{
    protected TCluster Cluster { get; }

    protected LoopbackClusterTests(TCluster cluster)
    {
        Cluster = cluster;
        cluster.FirstRun.Succeeded($"bringing up the {cluster.Version} cluster '{cluster.Name}'");
    }
}
