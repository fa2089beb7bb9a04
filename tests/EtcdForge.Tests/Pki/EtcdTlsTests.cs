using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EtcdForge.Tests.Pki;

// The issued files in the hands of a real etcd: mutual TLS on the client and peer ports.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EtcdTlsTests
{
    private const string Etcd = "/usr/bin/etcd";

    [Fact]
    public void SingleMemberServesMutualTlsWithTheIssuedCertificates()
    {
        using var pki = new PkiWorkspace();
        pki.Configure("ecdsa-p256", new PkiWorkspace.NodeSpec("etcd1", "127.0.0.1", ["etcd1.test.local"]));
        pki.InitAndIssue();
        var l = pki.Layout;
        int clientPort = FreePort(), peerPort = FreePort();
        var endpoint = $"https://127.0.0.1:{clientPort}";
        var peerUrl = $"https://127.0.0.1:{peerPort}";
        var log = new StringBuilder();
        using var etcd = Start(Etcd, log,
            "--name", "etcd1", "--data-dir", pki.Temp("data"), "--logger=zap",
            "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"etcd1={peerUrl}", "--initial-cluster-state", "new", "--initial-cluster-token", "pki-test",
            "--cert-file", l.ServerCert("etcd1"), "--key-file", l.ServerKey("etcd1"),
            "--client-cert-auth", "--trusted-ca-file", l.CaCert,
            "--peer-cert-file", l.PeerCert("etcd1"), "--peer-key-file", l.PeerKey("etcd1"),
            "--peer-client-cert-auth", "--peer-trusted-ca-file", l.CaCert);
        try
        {
            string[] etcdctl = ["--cacert", l.CaCert, "--cert", l.ClientCert("client"), "--key", l.ClientKey("client"), "--endpoints", endpoint, "endpoint", "health"];
            var health = WaitFor(() => ExternalTool.Run("/usr/bin/etcdctl", etcdctl), etcd, log);
            Assert.Contains("is healthy", health.Output);

            // Goes through 3.4's JSON gateway, which dials its own gRPC port with the server certificate as a
            // client certificate: this only succeeds when that certificate also carries clientAuth.
            var put = ExternalTool.Run("curl", "-sS", "--fail-with-body", "--cacert", l.CaCert,
                "--cert", l.ClientCert("client"), "--key", l.ClientKey("client"),
                $"{endpoint}/v3/kv/put", "-d", """{"key":"Zm9v","value":"YmFy"}""");
            Assert.True(put.ExitCode == 0 && put.Stdout.Contains("\"header\""), $"put failed: {put.Output}\n{log}");

            var anonymous = ExternalTool.Run("curl", "-sS", "--fail-with-body", "--cacert", l.CaCert,
                $"{endpoint}/v3/kv/put", "-d", """{"key":"Zm9v","value":"YmF6"}""");
            Assert.True(anonymous.ExitCode != 0, $"a request without client certificate was accepted: {anonymous.Output}");
        }
        finally
        {
            etcd.Kill(entireProcessTree: true);
            etcd.WaitForExit();
        }
    }

    private static Process Start(string file, StringBuilder log, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        // Drained continuously so a chatty etcd never blocks on a full pipe; kept for failure messages.
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Polls until etcd answers; the deadline only bounds a broken run and is no assertion about speed.
    private static ToolResult WaitFor(Func<ToolResult> probe, Process etcd, StringBuilder log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var result = probe();
            if (result.ExitCode == 0) return result;
            if (etcd.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"etcd never became healthy (exited: {etcd.HasExited}); last probe: {result.Output}\n{log}");
            Thread.Sleep(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
