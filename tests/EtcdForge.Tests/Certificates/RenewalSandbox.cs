
namespace EtcdForge.Tests.Certificates;

// The local sandbox kind of ICertificateCluster, on this suite's loopback block (127.0.28.0/24, so it runs beside
// the default sandbox): 3.4.23 on .11-13, 3.5.30 on .21-23.
public abstract class RenewalSandbox : LoopbackCluster, ICertificateCluster
{
    protected RenewalSandbox(string version, int firstHost)
        : base(block: 28, version, name: "renewal", firstHost: firstHost, pki: ICertificateCluster.ShortLived)
    {
        Bootstrap = Forge("--target=BootstrapCluster");
        RecordPids();
    }

    public ForgeResult Bootstrap { get; }
    public string Host(string node) => Address(Array.IndexOf(Nodes, node) + 1);
    public int Pid(string node) => PidOf(node) ?? throw new InvalidOperationException($"{node} has no pid file");
    public string SslDir(string node) => Path.Combine(NodeDir(node), "etc", "etcd", "ssl");

    public RunningForge Launch(params string[] args) =>
        new ForgeProcess { HangGuard = ICertificateCluster.RotationGuard }.Launch([.. args, $"--config={Config}", $"--artifacts={Artifacts}"]);
}

public sealed class RenewalSandbox34() : RenewalSandbox(EtcdRelease.V34, firstHost: 11);

public sealed class RenewalSandbox35() : RenewalSandbox(EtcdRelease.V35, firstHost: 21);
