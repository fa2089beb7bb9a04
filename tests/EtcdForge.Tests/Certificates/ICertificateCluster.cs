
namespace EtcdForge.Tests.Certificates;

// A three-member cluster whose leaf certificates are valid for 2 h with a renewBefore of 1 h, as CertificateLifeTests
// see it: a local sandbox (RenewalSandbox) or the SSH test hosts (RenewalHosts). A renewBefore not shorter than the
// validity is refused (every run would renew every leaf): the tests renew with --force, and see leaves due through
// a description that asks for longer-lived ones (LongerLived).
public interface ICertificateCluster
{
    static readonly string[] ShortLived = ["certValidity: 2h", "renewBefore: 1h"];

    // What an operator who lengthened both would write: the 2 h leaves issued under ShortLived are within 3 h.
    static string LongerLived(string config) => config.Replace("certValidity: 2h", "certValidity: 4h").Replace("renewBefore: 1h", "renewBefore: 3h");

    // Long enough for a RotateCa run (two rolling restarts) on a loaded machine; it only keeps a hung run from hanging the suite.
    static readonly TimeSpan RotationGuard = TimeSpan.FromMinutes(15);

    static readonly string[] Nodes = LocalMembers.Names;

    ForgeResult Bootstrap { get; }
    string Version { get; }
    string Artifacts { get; }
    string ClusterDir { get; }
    string Config { get; }
    ClusterFiles Files { get; }
    IReadOnlyList<string> Endpoints { get; }

    /// <summary>The member's address (client port 2379, peer port 2380).</summary>
    string Host(string node);

    /// <summary>The member's etcd pid, as its pid file on its host says.</summary>
    int Pid(string node);

    /// <summary>The member's /etc/etcd/ssl as this machine sees it.</summary>
    string SslDir(string node);

    ForgeResult Forge(params string[] args);

    /// <summary>Starts a run and returns at once, for a test that kills it mid-way.</summary>
    RunningForge Launch(params string[] args);
}
