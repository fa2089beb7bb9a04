using EtcdForge.Tests.Download;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Remote;
using EtcdForge.Tests.Support;

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
    public string Pki => Path.Combine(ClusterDir, "pki");
    public string CaCert => Path.Combine(Pki, "etcd-root-ca.pem");
    public string ClientCert => Path.Combine(Pki, "client.pem");
    public string ClientKey => Path.Combine(Pki, "client-key.pem");
    public string Report => Path.Combine(ClusterDir, "reports", "verify.json");
    public string Endpoints => string.Join(',', Enumerable.Range(1, SystemdHosts.Count).Select(SystemdHosts.Endpoint));

    public string Config(string version) => _scratch.File($"cluster-{version}.yaml", $"""
        cluster:
          name: {Name}
          token: {Name}-token
        etcd:
          version: {version}
          downloadUrl: {_mirror.BaseUrl}
        pki:
          keyAlgorithm: ecdsa-p256
          ca:
            commonName: {Name} CA
          clients:
            - name: client
              commonName: root
        nodes:

        """ + string.Concat(Enumerable.Range(1, SystemdHosts.Count).Select(h => $"""
          - name: etcd{h}
            address: {SystemdHosts.Address(h)}
            connection:
              type: ssh
              user: root
              keyFile: {SystemdHosts.Key}
              knownHosts: {SystemdHosts.KnownHosts}
            service: systemd

        """)));

    public ForgeResult Forge(string version, params string[] args) =>
        ForgeProcess.Run([.. args, $"--config={Config(version)}", $"--artifacts={Artifacts}"]);

    // Debian's etcdctl (3.4; it speaks to 3.5 members too) with the client certificate, against every member.
    internal ToolResult Etcdctl(params string[] args) => ExternalTool.Run("/usr/bin/etcdctl",
        ["--endpoints=" + Endpoints, "--cacert=" + CaCert, "--cert=" + ClientCert, "--key=" + ClientKey, "--command-timeout=20s", .. args]);

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
