using System.Net;
using System.Net.Sockets;

namespace EtcdForge.Tests.Pki;

/// <summary>
/// One real etcd (Debian's) serving mutual TLS with the certificates a PkiWorkspace issued for etcd1, on free
/// loopback ports; healthy when the constructor returns, killed on Dispose.
/// </summary>
internal sealed class TlsMember : IDisposable
{
    private const string Etcd = "/usr/bin/etcd";
    private readonly RunningTool _etcd;

    public PkiWorkspace Pki { get; }
    public string Endpoint { get; }
    public string Log => _etcd.Log;

    public TlsMember(string address = "127.0.0.1")
    {
        Pki = new PkiWorkspace();
        Pki.Configure("ecdsa-p256", new PkiWorkspace.NodeSpec("etcd1", address, ["etcd1.test.local"]));
        Pki.InitAndIssue();
        var l = Pki.Layout;
        Endpoint = $"https://{address}:{FreePort()}";
        var peerUrl = $"https://{address}:{FreePort()}";
        _etcd = ExternalTool.Start(Etcd,
            "--name", "etcd1", "--data-dir", Pki.Temp("data"), "--logger=zap",
            "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"etcd1={peerUrl}", "--initial-cluster-state", "new", "--initial-cluster-token", "pki-test",
            "--cert-file", l.ServerCert("etcd1"), "--key-file", l.ServerKey("etcd1"),
            "--client-cert-auth", "--trusted-ca-file", l.CaCert,
            "--peer-cert-file", l.PeerCert("etcd1"), "--peer-key-file", l.PeerKey("etcd1"),
            "--peer-client-cert-auth", "--peer-trusted-ca-file", l.CaCert);
        try
        {
            WaitForHealth();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string CaCert => Pki.Layout.CaCert;
    public string ClientCert => Pki.Layout.ClientCert("client");
    public string ClientKey => Pki.Layout.ClientKey("client");

    public ToolResult Etcdctl(params string[] args) =>
        ExternalTool.Run("/usr/bin/etcdctl", ["--cacert", CaCert, "--cert", ClientCert, "--key", ClientKey, "--endpoints", Endpoint, .. args]);

    public void Dispose()
    {
        _etcd.Dispose();
        Pki.Dispose();
    }

    // Polls until etcd answers; the deadline only bounds a broken run and is no assertion about speed.
    private void WaitForHealth()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var result = Etcdctl("endpoint", "health");
            if (result.ExitCode == 0 && result.Output.Contains("is healthy")) return;
            if (_etcd.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"etcd never became healthy (exited: {_etcd.HasExited}); last probe: {result.Output}\n{Log}");
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
