using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EtcdForge.Artifacts;
using EtcdForge.Nodes;
using EtcdForge.Packaging;

namespace EtcdForge.Tests.Packaging;

public sealed class EtcdStartTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The real test of etcd.conf.yml: the distribution's etcd 3.4 must start from it with full TLS and
    // answer a health check made with a client certificate. The bundle is installed with its own install.sh.
    [Fact]
    public async Task Etcd_3_4_starts_from_the_bundle_and_answers_health_checks()
    {
        using var f = new PackagingFixture([("etcd1", "127.0.0.1")], FreePort(), FreePort());
        BundleSet.Write(f.Cluster, f.Layout, f.Etcd);
        var unpacked = f.Temp.Combine("unpacked");
        Directory.CreateDirectory(unpacked);
        ExternalTool.Succeed("tar", "-xzf", f.Layout.NodeBundle("etcd1"), "-C", unpacked);
        ExternalTool.Succeed("sh", Path.Combine(unpacked, "install.sh"));
        var paths = NodePaths.For(f.Node("etcd1"), f.Cluster, f.Layout);

        using var etcd = ExternalTool.Start(Path.Combine(paths.BinDir, "etcd"), "--config-file", paths.ConfigFile);
        try
        {
            var endpoint = f.Node("etcd1").ClientUrl;
            var deadline = Stopwatch.StartNew();
            ToolResult health;
            do
            {
                await Task.Delay(250);
                Assert.False(etcd.HasExited, "etcd exited");
                health = ExternalTool.RunWith(Path.Combine(paths.BinDir, "etcdctl"), new Dictionary<string, string> { ["ETCDCTL_API"] = "3" },
                    "--endpoints", endpoint, "--cacert", f.Layout.CaCert, "--cert", f.Layout.ClientCert("client"),
                    "--key", f.Layout.ClientKey("client"), "--command-timeout", "2s", "endpoint", "health");
            } while (health.ExitCode != 0 && deadline.Elapsed < TimeSpan.FromSeconds(20));
            Assert.True(health.ExitCode == 0, health.Stderr);
            Assert.Contains("is healthy", health.Stdout + health.Stderr);
        }
        finally
        {
            etcd.Stop();
        }
        Assert.DoesNotContain("\"level\":\"fatal\"", etcd.Log);
    }
}
