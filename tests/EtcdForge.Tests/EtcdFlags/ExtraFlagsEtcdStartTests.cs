using System.Text.Json;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;
using EtcdForge.Nodes;
using EtcdForge.Packaging;
using EtcdForge.Tests.Packaging;

namespace EtcdForge.Tests.EtcdFlags;

// What extraFlags write, read by real etcd: a member bundle with a flag of each kind (true/false, a number, a
// duration, text), installed with its own install.sh and started as DeployNodes starts it (--config-file), on
// Debian's 3.4.23 and on 3.5.30. etcd logs the settings it took when it starts; each value must be there as meant
// (a duration arrives as nanoseconds and is logged back as "3m0s"). One member on 127.0.29.5, beside this block's sandbox.
public sealed class ExtraFlagsEtcdStartTests
{
    [Theory]
    [InlineData(EtcdRelease.V34)]
    [InlineData(EtcdRelease.V35)]
    public void Etcd_starts_with_a_flag_of_each_kind_and_takes_every_value(string version)
    {
        using var f = new PackagingFixture([("etcd1", "127.0.29.5")]);
        var etcd = version == EtcdRelease.V34 ? f.Etcd
            : f.Etcd with { Version = version, BinDir = Path.GetDirectoryName(EtcdRelease.Get(version).Tool("etcd"))! };
        ExtraFlag Flag(string name, string value) => new(name, value, $"etcd.extraFlags.{name}", 1);
        var cluster = f.Cluster with
        {
            Etcd = f.Cluster.Etcd with
            {
                AutoCompactionRetention = "1000",
                ExtraFlags = [Flag("experimental-initial-corrupt-check", "true"), Flag("max-request-bytes", "2097152"),
                              Flag("experimental-corrupt-check-time", "3m"), Flag("auto-compaction-mode", "revision")],
            },
        };
        BundleSet.Write(cluster, f.Layout, etcd);
        var unpacked = f.Temp.Combine("unpacked");
        Directory.CreateDirectory(unpacked);
        ExternalTool.Succeed("tar", "-xzf", f.Layout.NodeBundle("etcd1"), "-C", unpacked);
        ExternalTool.Succeed("sh", Path.Combine(unpacked, "install.sh"));
        var paths = NodePaths.For(f.Node("etcd1"), cluster, f.Layout);

        using var member = ExternalTool.Start(Path.Combine(paths.BinDir, "etcd"), "--config-file", paths.ConfigFile);
        var started = StartLine(member);
        member.Stop();

        Assert.Equal(version, started.GetProperty("etcd-version").GetString());
        Assert.True(started.GetProperty("initial-corrupt-check").GetBoolean(), started.ToString());
        Assert.Equal(2097152, started.GetProperty("max-request-bytes").GetInt64());
        Assert.Equal("3m0s", started.GetProperty("corrupt-check-time-interval").GetString());
        Assert.Equal("revision", started.GetProperty("auto-compaction-mode").GetString());
        Assert.DoesNotContain("\"level\":\"fatal\"", member.Log);
    }

    // etcd's "starting an etcd server" line, which lists the settings it runs with. The bound only keeps an etcd that
    // neither starts nor exits from hanging the suite.
    private static JsonElement StartLine(RunningTool member)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            var line = member.Log.Split('\n').FirstOrDefault(l => l.Contains("\"msg\":\"starting an etcd server\"", StringComparison.Ordinal));
            if (line is not null) return JsonDocument.Parse(line).RootElement.Clone();
            Assert.False(member.HasExited, $"etcd exited before it started serving:\n{member.Log}");
            Thread.Sleep(50);
        }
        throw new TimeoutException($"etcd did not log its start within 2 minutes:\n{member.Log}");
    }
}
