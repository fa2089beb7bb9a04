using EtcdForge.Tests.EndToEnd;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Certificates;

// A local cluster on this suite's loopback block (127.0.28.0/24, so it runs beside the default sandbox) whose leaf
// certificates are valid for 2 h with a renewBefore of 3 h: every run renews every leaf. Brought up with
// BootstrapCluster, not Verify: Verify rightly fails certificates that are always due.
public abstract class RenewalSandbox : LoopbackCluster
{
    private const string ShortLived = "  certValidity: 2h\n  renewBefore: 3h";

    protected RenewalSandbox(string version, int firstHost) : base(block: 28, version, name: "renewal", firstHost: firstHost, extraPki: ShortLived)
    {
        Bootstrap = Forge("--target=BootstrapCluster");
        RecordPids();
    }

    public ForgeResult Bootstrap { get; }
    public string Host(string node) => Address(Array.IndexOf(Nodes, node) + 1);

    // The serial a member serves on a port, as openssl sees it (not through etcd-forge's own TLS code).
    public string ServedSerial(string node, int port)
    {
        var run = ToolRun.Of("sh", null, "-c",
            $"openssl s_client -connect {Host(node)}:{port} -cert '{ClientCert}' -key '{ClientKey}' -CAfile '{CaCert}' </dev/null 2>/dev/null | openssl x509 -noout -serial");
        Assert.True(run.ExitCode == 0 && run.Stdout.StartsWith("serial="), run.ToString());
        return run.Stdout.Trim()["serial=".Length..].ToLowerInvariant();
    }

    public string SerialOnDisk(string file)
    {
        var run = ToolRun.Of("openssl", null, "x509", "-noout", "-serial", "-in", Path.Combine(Pki, file));
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Trim()["serial=".Length..].ToLowerInvariant();
    }
}

public sealed class RenewalSandbox34() : RenewalSandbox(EtcdRelease.V34, firstHost: 11);

public sealed class RenewalSandbox35() : RenewalSandbox(EtcdRelease.V35, firstHost: 21);
