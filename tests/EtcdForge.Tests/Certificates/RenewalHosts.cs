using EtcdForge.Tests.Download;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Certificates;

// The SSH kind of ICertificateCluster: etcd (as a process) on three SSH test hosts of a set of its own, brought up
// for this cluster and taken down after it, so these long tests run beside the shared "test hosts" collection.
// etcd comes from a release host on this suite's loopback address 127.0.32.1 (DownloadEtcd runs on this machine).
public abstract class RenewalHosts : TestHostCluster, ICertificateCluster
{
    private readonly ReleaseServer _mirror;

    protected RenewalHosts(string version, int offset) : this(version, Up(new HostSet(offset, count: 3)), new ReleaseServer("127.0.32.1"))
    {
    }

    // Up before the base class describes the nodes: a set's addresses are read from the hosts file its "up" writes.
    private static HostSet Up(HostSet hosts)
    {
        try
        {
            hosts.UpAsync().GetAwaiter().GetResult();
            return hosts;
        }
        catch
        {
            hosts.DownAsync().GetAwaiter().GetResult();
            throw;
        }
    }

    private RenewalHosts(string version, HostSet hosts, ReleaseServer mirror)
        : base("renewal", hosts.Key("id_ed25519"), hosts: hosts, pki: ICertificateCluster.ShortLived,
            etcd: [$"version: {version}", $"downloadUrl: {mirror.BaseUrl}", "distributionFallback: false"])
    {
        _mirror = mirror;
        Version = version;
        try
        {
            EtcdRelease.Serve(mirror, version);
        }
        catch
        {
            Dispose();
            throw;
        }
        Bootstrap = Forge("--target=BootstrapCluster");
    }

    public ForgeResult Bootstrap { get; }
    public string Version { get; }
    public IReadOnlyList<string> Endpoints => Enumerable.Range(1, Nodes.Length).Select(Hosts.Endpoint).ToList();
    public string Host(string node) => Hosts.Address(HostOf(node)).ToString();
    public int Pid(string node) => Hosts.EtcdPid(HostOf(node));
    public string SslDir(string node) => Hosts.PrivateRoot(HostOf(node)) + "/etc/etcd/ssl";

    RunningForge ICertificateCluster.Launch(params string[] args) =>
        new ForgeProcess { HangGuard = ICertificateCluster.RotationGuard }.Launch([.. args, $"--config={Config}", $"--artifacts={Artifacts}"]);

    private static int HostOf(string node) => Array.IndexOf(Nodes, node) + 1;

    public override void Dispose()
    {
        try
        {
            base.Dispose();
        }
        finally
        {
            Hosts.DownAsync().GetAwaiter().GetResult();
            _mirror.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}

// Host sets at EF_TESTHOSTS_NET + 60 and + 61 (198.18.60.0/24 and 198.18.61.0/24 by default).
public sealed class RenewalHosts34() : RenewalHosts(EtcdRelease.V34, offset: 60);

public sealed class RenewalHosts35() : RenewalHosts(EtcdRelease.V35, offset: 61);
