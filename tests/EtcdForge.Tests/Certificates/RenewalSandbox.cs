using EtcdForge.Tests.EndToEnd;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Certificates;

// A sandbox of its own on 127.0.28.11-13 (this suite's loopback block, so it runs beside the default sandbox)
// whose leaf certificates are valid for 2 h with a renewBefore of 3 h: every run renews every leaf.
public sealed class RenewalSandbox() : SandboxCluster(Name, Description(), "BootstrapCluster")
{
    public const string Name = "renewal";
    public static readonly string[] Hosts = ["127.0.28.11", "127.0.28.12", "127.0.28.13"];

    public static string Description() => File.ReadAllText(RepoPaths.Config("cluster.yaml"))
        .Replace("name: sandbox", $"name: {Name}")
        .Replace("127.0.0.1", "127.0.28.1")
        .Replace("certValidity: 8760h", "certValidity: 2h")
        .Replace("renewBefore: 720h", "renewBefore: 3h");

    public string CaCert => Path.Combine(Pki, "etcd-root-ca.pem");
    public string ClientCert => Path.Combine(Pki, "client.pem");
    public string ClientKey => Path.Combine(Pki, "client-key.pem");
    public string Endpoints => string.Join(",", Hosts.Select(h => $"https://{h}:2379"));

    // The serial a member serves on a port, as openssl sees it (not through etcd-forge's own TLS code).
    public string ServedSerial(string host, int port)
    {
        var run = ToolRun.Of("sh", null, "-c",
            $"openssl s_client -connect {host}:{port} -cert '{ClientCert}' -key '{ClientKey}' -CAfile '{CaCert}' </dev/null 2>/dev/null | openssl x509 -noout -serial");
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
