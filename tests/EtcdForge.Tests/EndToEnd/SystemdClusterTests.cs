using System.Diagnostics;
using System.Text.Json;
using static EtcdForge.Tests.Remote.SystemdHosts;

namespace EtcdForge.Tests.EndToEnd;

// `service: systemd` for real, on three hosts that boot systemd 252 (SystemdHosts). Tests run in name order on
// one cluster: built on Debian's 3.4.23, killed, power-cycled, upgraded to 3.5.30 member by member through
// systemctl under a continuous writer, cold-booted with its members far apart, and destroyed.
[Collection(SystemdHostsCollection.Name)]
public sealed class SystemdClusterTests(SystemdCluster cluster)
{
    private static readonly int[] Hosts = [1, 2, 3];

    [Fact]
    public void T1_Verify_on_systemd_hosts_runs_etcd_as_an_enabled_notify_unit_of_the_etcd_user()
    {
        var run = cluster.Forge(EtcdRelease.V34, "--target=Verify");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));
        foreach (var host in Hosts)
        {
            Assert.Equal("enabled", Ssh(host, "systemctl is-enabled etcd"));
            Assert.Equal("active", Unit(host, "ActiveState"));
            Assert.Equal("notify", Unit(host, "Type"));
            Assert.Equal("on-failure", Unit(host, "Restart"));
            Assert.Equal("infinity", Unit(host, "TimeoutStartUSec"));
            Assert.Equal("etcd", Ssh(host, $"ps -o user= -p {Unit(host, "MainPID")}"));
            Assert.Equal("600 etcd\n600 etcd", Ssh(host, $"stat -c '%a %U' /etc/etcd/ssl/leaf/etcd{host}-key.pem /etc/etcd/ssl/leaf/etcd{host}-peer-key.pem"));
        }
        AssertMembersRun(EtcdRelease.V34);
    }

    [Fact]
    public void T2_A_second_run_changes_nothing_and_restarts_nothing()
    {
        var pids = MainPids();

        var run = cluster.Forge(EtcdRelease.V34, "--target=Verify");

        run.ChangedNothing("DeployNodes");
        Assert.Contains("BootstrapCluster: nothing changed", run.Lines);
        Assert.Equal(pids, MainPids());
    }

    [Fact]
    public void T3_An_etcd_killed_by_signal_is_restarted_by_systemd()
    {
        var before = int.Parse(Unit(2, "NRestarts"));
        var pid = Unit(2, "MainPID");

        // A crash, as the kernel's OOM killer would cause. (On this cgroup-v1 machine systemctl also complains that
        // it cannot kill the control group: noise of the environment, hence "; true".)
        Ssh(2, "systemctl kill --signal=SIGKILL etcd 2>&1; true");

        // RestartSec=5s: systemd starts it again on its own; the bound only keeps a broken unit from hanging the run.
        WaitFor(() => Unit(2, "ActiveState") == "active" && Unit(2, "MainPID") is var now && now != pid && now != "0",
            "etcd on host 2 active again under a new pid", TimeSpan.FromMinutes(2));
        Assert.Equal(before + 1, int.Parse(Unit(2, "NRestarts")));
        var health = cluster.Etcdctl("endpoint", "health");
        Assert.True(health.ExitCode == 0, health.Output);
    }

    [Fact]
    public void T4_A_power_cycled_host_starts_etcd_at_boot_and_the_next_run_restarts_nothing()
    {
        Power(3, "cycle");
        WaitFor(() => Unit(3, "ActiveState") == "active", "etcd on host 3 active after its reboot", TimeSpan.FromMinutes(2));
        var pids = MainPids();

        var plan = cluster.Forge(EtcdRelease.V34, "--target=Plan");
        var run = cluster.Forge(EtcdRelease.V34, "--target=Verify");

        plan.PlannedNothing();
        Assert.True(run.ExitCode == 0, run.ToString());
        // Before the fix: "create /run/etcd" and a rolling restart of the rebooted member.
        Assert.Contains("DeployNodes: nothing changed", run.Lines);
        Assert.Contains("BootstrapCluster: nothing changed", run.Lines);
        Assert.Equal(pids, MainPids());
    }

    [Fact]
    public async Task T5_A_rolling_upgrade_to_3_5_restarts_one_member_at_a_time_through_systemctl_and_loses_no_acknowledged_write()
    {
        var put = cluster.Etcdctl("put", "before-upgrade", "kept");
        Assert.True(put.ExitCode == 0, put.Output);
        var pids = MainPids();
        var starts = Hosts.ToDictionary(h => h, StartsInJournal);
        await using var writer = ContinuousWriter.Start(cluster.Endpoints, cluster.Files.CaCert, cluster.Files.ClientCert, cluster.Files.ClientKey, "upgrade");
        await writer.WaitForMoreAsync(20);

        var run = cluster.Forge(EtcdRelease.V35, "--target=Verify");

        await writer.WaitForMoreAsync(20);
        var report = await writer.StopAsync();
        Assert.True(run.ExitCode == 0, run.ToString());
        // An upgrade goes followers first, leader last (UpgradeDecision): each member once, in the announced order.
        var announced = run.Lines.Single(l => l.StartsWith("upgrading ", StringComparison.Ordinal));
        var upgraded = run.Lines.Where(l => l.Contains($"] upgraded to etcd {EtcdRelease.V35}; ready")).Select(l => l.Split('[', ']')[1]).ToList();
        Assert.Equal(["etcd1", "etcd2", "etcd3"], upgraded.Order());
        Assert.StartsWith($"upgrading {string.Join(", ", upgraded)} one at a time", announced);
        foreach (var host in Hosts)
        {
            Assert.NotEqual(pids[host], Unit(host, "MainPID"));
            // The restart went through systemd: one more start in the unit's journal, no failure.
            Assert.Equal(starts[host] + 1, StartsInJournal(host));
        }
        AssertMembersRun(EtcdRelease.V35);
        var kept = cluster.Etcdctl("get", "before-upgrade", "--print-value-only");
        Assert.True(kept.ExitCode == 0 && kept.Stdout.Trim() == "kept", kept.Output);
        await report.AssertNoLossAsync(cluster.Endpoints, cluster.Files.CaCert, cluster.Files.ClientCert, cluster.Files.ClientKey);
    }

    // Members booting minutes apart must not be killed while they wait for a quorum. Instead of waiting minutes,
    // the hosts' systemd is given a 10 s default start timeout (the unit must override it, as it overrides the
    // real 90 s default), and host 1 is left alone without a quorum for three such timeouts plus RestartSec.
    [Fact]
    public void T6_A_whole_cluster_cold_boot_with_members_far_apart_kills_and_restarts_nothing()
    {
        foreach (var host in Hosts)
        {
            Power(host, "off");
            var dropIn = Root(host) + "/etc/systemd/system.conf.d/short-start-timeout.conf";
            Directory.CreateDirectory(Path.GetDirectoryName(dropIn)!);
            File.WriteAllText(dropIn, "[Manager]\nDefaultTimeoutStartSec=10s\n");
        }

        Power(1, "on");
        WaitFor(() => Unit(1, "ActiveState") == "activating", "etcd on host 1 waiting for its peers", TimeSpan.FromMinutes(2));
        var waiting = Unit(1, "MainPID");
        Thread.Sleep(TimeSpan.FromSeconds(35));
        Assert.Equal("activating", Unit(1, "ActiveState"));
        Assert.Equal(waiting, Unit(1, "MainPID"));
        Assert.Equal("0", Unit(1, "NRestarts"));
        // systemd's own words when it gives up on a start ("etcd.service: start operation timed out. Terminating.").
        Assert.DoesNotContain("start operation timed out", Ssh(1, "journalctl -u etcd -b --no-pager"));

        Power(2, "on");
        WaitFor(() => Unit(1, "ActiveState") == "active" && Unit(2, "ActiveState") == "active", "hosts 1 and 2 active with a quorum", TimeSpan.FromMinutes(2));
        Power(3, "on");
        WaitFor(() => Unit(3, "ActiveState") == "active", "host 3 active", TimeSpan.FromMinutes(2));
        Assert.Equal(waiting, Unit(1, "MainPID"));
        Assert.All(Hosts, h => Assert.Equal("0", Unit(h, "NRestarts")));

        var run = cluster.Forge(EtcdRelease.V35, "--target=Verify");
        run.ChangedNothing("BootstrapCluster");
        var kept = cluster.Etcdctl("get", "before-upgrade", "--print-value-only");
        Assert.True(kept.ExitCode == 0 && kept.Stdout.Trim() == "kept", kept.Output);
    }

    [Fact]
    public void T7_Destroy_stops_and_disables_the_unit_and_removes_every_file()
    {
        var run = cluster.Forge(EtcdRelease.V35, "--target=Destroy", "--yes");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var host in Hosts)
        {
            Assert.NotEqual("active", Unit(host, "ActiveState"));
            Assert.Equal("not-found", Unit(host, "LoadState"));
            Assert.Equal("", Ssh(host, "ls -A /etc/etcd /var/lib/etcd /usr/local/bin/etcd /etc/systemd/system/etcd.service 2>/dev/null; true"));
            Assert.Equal("", Ssh(host, "pgrep -x etcd; true"));
        }
    }

    private static Dictionary<int, string> MainPids() => Hosts.ToDictionary(h => h, h => Unit(h, "MainPID"));

    private static int StartsInJournal(int host) =>
        int.Parse(Ssh(host, "journalctl -u etcd --no-pager -o cat | grep -c '^Started etcd' || true"));

    // Each member's own answer (verify.json), not the version asked for.
    private void AssertMembersRun(string version)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(cluster.Report));
        var versions = report.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("version").GetString()).ToList();
        Assert.Equal([version, version, version], versions);
    }

    // Polls until the condition holds; the bound only keeps a broken host from hanging the run.
    private static void WaitFor(Func<bool> condition, string what, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > bound) throw new TimeoutException($"{what}: not reached within {bound}");
            Thread.Sleep(500);
        }
    }
}
