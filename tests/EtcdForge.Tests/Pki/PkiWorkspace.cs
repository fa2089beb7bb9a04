using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Pki;
using EtcdForge.Tests.Support;

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
        var nodeYaml = string.Concat(nodes.Select(n => $"""
              - name: {n.Name}
                address: {n.Address}
                hostnames: [{string.Join(", ", n.Hostnames)}]
                extraSans: [{string.Join(", ", n.ExtraSans ?? [])}]
                connection: {"{ type: local }"}

            """));
        var yaml = $"""
            cluster:
              name: test
              token: etcd-forge-test
            etcd:
              version: 3.5.21
              distributionFallback: true
            pki:
              keyAlgorithm: {algorithm}
              ca:
                commonName: etcd-forge test CA
                organization: etcd-forge
              certValidity: 8760h
              renewBefore: 720h
              clients:
                - name: client
                  commonName: root
            nodes:

            """ + nodeYaml;
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
