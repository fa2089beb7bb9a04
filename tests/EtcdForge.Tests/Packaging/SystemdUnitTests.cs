using EtcdForge.Artifacts;
using EtcdForge.Nodes;
using EtcdForge.Packaging;

namespace EtcdForge.Tests.Packaging;

public sealed class SystemdUnitTests : PackagingTest
{
    // systemd-analyze verify exits 0 on parse errors and only prints them, so the check reads stderr.
    // It also refuses an ExecStart binary that does not exist; the sandbox node's paths live under the temp
    // dir, so a real etcd is put at the unit's ExecStart path rather than excusing that message.
    private IReadOnlyList<string> Verify(string unitText)
    {
        var dir = Packed.Temp.Combine("unit");
        Directory.CreateDirectory(dir);
        var unit = Path.Combine(dir, SystemdUnit.FileName);
        File.WriteAllText(unit, unitText);
        var result = ExternalTool.Run("systemd-analyze", "verify", unit);
        return result.Stderr.Split('\n').Where(l => l.Contains(SystemdUnit.FileName)).ToList();
    }

    [Fact]
    public void Systemd_analyze_verify_accepts_the_unit()
    {
        var paths = NodePaths.For(Packed.Node("etcd1"), Packed.Cluster, Packed.Layout);
        Directory.CreateDirectory(paths.BinDir);
        File.Copy(Packed.Etcd.Etcd, Path.Combine(paths.BinDir, "etcd"));
        var text = SystemdUnit.Render(Packed.Cluster.Name, "etcd1", paths);

        Assert.Empty(Verify(text));
        Assert.Contains($"ExecStart={paths.BinDir}/etcd --config-file {paths.ConfigFile}\n", text);
        Assert.Contains("Type=notify\n", text);
        Assert.Contains("User=etcd\n", text);
        Assert.Contains("LimitNOFILE=65536\n", text);
        Assert.Contains($"ReadWritePaths={paths.DataDir}\n", text);
        // The check itself must be able to fail, or an empty list proves nothing.
        Assert.NotEmpty(Verify(text.Replace("Restart=on-failure", "Restart=sometimes")));
    }

    [Fact]
    public void System_nodes_get_the_system_paths()
    {
        var node = Packed.Node("etcd1") with { Connection = new(EtcdForge.Configuration.ConnectionType.Ssh, "root", 22, null, null, null) };
        var text = SystemdUnit.Render("test", "etcd1", NodePaths.For(node, Packed.Cluster, Packed.Layout));
        Assert.Contains("ExecStart=/usr/local/bin/etcd --config-file /etc/etcd/etcd.conf.yml\n", text);
        Assert.Contains("ReadWritePaths=/var/lib/etcd\n", text);
    }
}
