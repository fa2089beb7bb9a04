using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Pki;

namespace EtcdForge.Tests.Pki;

// A cluster description plus an artifacts folder in a temp dir, with the two PKI steps as the tasks run them.
internal sealed class PkiWorkspace : IDisposable
{
    private readonly TempDir _dir = new();

    public ArtifactLayout Layout { get; }
    public Cluster Cluster { get; private set; }

    public PkiWorkspace(string algorithm = "ecdsa-p256", int nodeCount = 2)
    {
        Layout = new ArtifactLayout(_dir.Combine("artifacts"), "test");
        Cluster = Configure(algorithm, Enumerable.Range(1, nodeCount).Select(i => new NodeSpec($"etcd{i}", $"127.0.0.{10 + i}", [$"etcd{i}.test.local"])).ToArray());
    }

    public sealed record NodeSpec(string Name, string Address, string[] Hostnames, string[]? ExtraSans = null);

    public Cluster Configure(string algorithm, params NodeSpec[] nodes)
    {
        var yaml = new ClusterDescription("test")
        {
            Token = "etcd-forge-test",
            CaName = "etcd-forge test CA",
            KeyAlgorithm = algorithm,
            Etcd = ["version: 3.5.21", "distributionFallback: true"],
            Pki = ["certValidity: 8760h", "renewBefore: 720h"],
            Nodes = [.. nodes.Select(n => DescribedNode.Local(n.Name, n.Address) with { Hostnames = n.Hostnames, ExtraSans = n.ExtraSans ?? [] })],
        }.Yaml;
        Cluster = ClusterLoader.Load(_dir.File("cluster.yaml", yaml)).Cluster;
        return Cluster;
    }

    public CaInitialization.Result InitCa(TimeProvider? clock = null) =>
        new CaInitialization(Layout, Cluster.Pki, clock ?? TimeProvider.System).Run();

    public IReadOnlyList<PkiChange> IssueCerts(TimeProvider? clock = null, bool renewAll = false) =>
        new CertificateIssuance(Layout, Cluster.Pki, Cluster.Nodes, clock ?? TimeProvider.System)
            .Run(CertificateAuthority.Load(Layout), renewAll);

    public IReadOnlyList<PkiChange> InitAndIssue(TimeProvider? clock = null)
    {
        var ca = InitCa(clock);
        return [.. ca.Changes, .. IssueCerts(clock)];
    }

    public IEnumerable<string> PkiFiles => Directory.GetFiles(Layout.Pki).Order();

    public Dictionary<string, DateTime> Mtimes() => PkiFiles.ToDictionary(f => f, File.GetLastWriteTimeUtc);

    public string Temp(params string[] parts) => _dir.Combine(parts);

    public void Dispose() => _dir.Dispose();
}
