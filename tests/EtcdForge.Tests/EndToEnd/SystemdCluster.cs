using EtcdForge.Tests.Download;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.EndToEnd;

// Runs beside every other collection: its hosts are a set of their own (SystemdHosts) and its release host is
// on 127.0.24.1.
[CollectionDefinition(Name)]
public sealed class SystemdHostsCollection : ICollectionFixture<SystemdCluster>
{
    public const string Name = "systemd hosts";
}

// Three booted systemd hosts and a cluster description for them (`service: systemd`), on Debian's 3.4.23 or real
// 3.5.30, both served by a loopback release host. Dispose destroys the cluster and takes the hosts down.
public sealed class SystemdCluster : IDisposable
{
    public const string Name = "sysd";
    private readonly TempDir _scratch = new();
    private readonly ReleaseServer _mirror = new("127.0.24.1");

    public SystemdCluster()
    {
        if (TestHostsRequirement.Missing() is { } missing) throw new InvalidOperationException(missing);
        EtcdRelease.Serve(_mirror, EtcdRelease.V34);
        EtcdRelease.Serve(_mirror, EtcdRelease.V35);
        SystemdHosts.Up();
    }

    public string Artifacts => _scratch.Combine("artifacts");
    public string ClusterDir => Path.Combine(Artifacts, Name);
    public ClusterFiles Files => new(ClusterDir);
    public string Report => Files.Report("verify.json");
    public string Endpoints => string.Join(',', Enumerable.Range(1, SystemdHosts.Count).Select(SystemdHosts.Endpoint));

    public string Config(string version) => _scratch.File($"cluster-{version}.yaml", new ClusterDescription(Name)
    {
        Etcd = [$"version: {version}", $"downloadUrl: {_mirror.BaseUrl}"],
        Nodes = [.. Enumerable.Range(1, SystemdHosts.Count).Select(h => SystemdHosts.Set.Member(h, service: "systemd"))],
    }.Yaml);

    public ForgeResult Forge(string version, params string[] args) =>
        ForgeProcess.Run([.. args, $"--config={Config(version)}", $"--artifacts={Artifacts}"]);

    // Debian's etcdctl (3.4; it speaks to 3.5 members too) with the client certificate, against every member.
    internal ToolResult Etcdctl(params string[] args) => Files.Etcdctl([Endpoints], args);

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(ClusterDir, "bundles", "etcd1.tar.gz"))) Forge(EtcdRelease.V35, "--target=Destroy", "--yes");
        }
        finally
        {
            SystemdHosts.Down();
            _mirror.Dispose();
            _scratch.Dispose();
        }
    }
}
