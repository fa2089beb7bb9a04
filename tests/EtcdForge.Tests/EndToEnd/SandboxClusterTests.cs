
namespace EtcdForge.Tests.EndToEnd;

// The default config (config/cluster.yaml) end to end: Debian's etcd 3.4.23 on 127.0.0.11-13.
[Collection(SandboxClusterCollection.Name)]
public sealed class SandboxClusterTests(SandboxCluster cluster) : LocalClusterSuite(cluster), IClassFixture<SandboxCluster>;

// The same suite on real etcd 3.5.30 (EtcdRelease), downloaded through a loopback release host, on 127.0.24.11-13:
// its own addresses, so it runs in parallel with the default sandbox.
[Collection(Loopback24Collection.Name)]
public sealed class Sandbox35ClusterTests(Sandbox35Cluster cluster) : LocalClusterSuite(cluster), IClassFixture<Sandbox35Cluster>;

public sealed class Sandbox35Cluster : LoopbackCluster
{
    public Sandbox35Cluster() : base(block: 24, EtcdRelease.V35, name: "sandbox35") => Verify();
}

// Block 127.0.24.0/24: the suites on local members of real etcd 3.5.30. Runs in parallel with other collections.
[CollectionDefinition(Name)]
public sealed class Loopback24Collection
{
    public const string Name = "Loopback 127.0.24";
}
