using EtcdForge.Tests.EndToEnd;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Docker;

// service: docker over SSH: each test host's own engine is driven with the docker CLI through etcd-forge's SSH
// connection. The members must answer on the hosts' own addresses (198.18.K.11-13, which exist only inside the hosts'
// network namespaces), so a container that landed in the wrong namespace fails Verify. One ordered test: the steps
// build on each other; the fixture destroys the cluster and stops the engines whatever happens.
[Collection(TestHostsCollection.Name)]
public sealed class SshDockerTests(TestHosts hosts, SshDockerCluster cluster) : IClassFixture<SshDockerCluster>
{
    [SshDockerFact]
    public void Builds_reruns_heals_and_destroys_a_docker_cluster_over_ssh()
    {
        _ = hosts;
        var first = cluster.Forge("--target=Verify");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(first.Lines, l => l.StartsWith("Verify: all ") && l.EndsWith(" checks passed"));
        var etcdUser = ExternalTool.RunWith("id", null, "-u", "etcd").Stdout.Trim() + ":" + ExternalTool.RunWith("id", null, "-g", "etcd").Stdout.Trim();
        for (var host = 1; host <= TestHostCluster.Nodes.Length; host++)
        {
            Assert.Contains(first.Lines, l => l.Contains($"[etcd{host}]") && l.Contains("load image etcd-forge/etcd:3.4.23"));
            Assert.Equal($"true host unless-stopped {etcdUser}", TestHostCluster.Ssh(host,
                $"docker container inspect --format '{{{{.State.Running}}}} {{{{.HostConfig.NetworkMode}}}} {{{{.HostConfig.RestartPolicy.Name}}}} {{{{.Config.User}}}}' {SshDockerCluster.Container(host)}").Trim());
        }
        // Each host's engine holds only its own member: they are three engines, not this machine's one.
        Assert.Equal(SshDockerCluster.Container(2), TestHostCluster.Ssh(2, "docker ps --format '{{.Names}}'").Trim());
        cluster.EtcdctlSucceeds("endpoint", "health");
        cluster.EtcdctlSucceeds("put", "over-ssh", "in-a-container");

        var again = cluster.Forge("--target=Verify");
        again.ChangedNothing("Package", "DeployNodes", "BootstrapCluster");
        Assert.DoesNotContain(again.Lines, l => l.Contains("load image"));

        TestHostCluster.Ssh(2, $"docker kill {SshDockerCluster.Container(2)}");
        var healed = cluster.Forge("--target=BootstrapCluster");
        Assert.True(healed.ExitCode == 0, healed.ToString());
        Assert.Contains(healed.Lines, l => l.Contains("[etcd2] started again as an existing member"));
        Assert.Equal("in-a-container", cluster.EtcdctlSucceeds("get", "over-ssh", "--print-value-only").Trim());

        var destroy = cluster.Forge("--target=Destroy", "--yes");
        Assert.True(destroy.ExitCode == 0, destroy.ToString());
        for (var host = 1; host <= TestHostCluster.Nodes.Length; host++)
        {
            Assert.Contains(destroy.Lines, l => l.Contains($"[etcd{host}] removed image etcd-forge/etcd:3.4.23"));
            Assert.Equal("", TestHostCluster.Ssh(host, "docker ps --all --quiet; docker images --quiet").Trim());
        }
    }
}

public sealed class SshDockerFactAttribute : FactAttribute
{
    public SshDockerFactAttribute() => Skip = TestHostsRequirement.SkipReason() ??
        (Environment.GetEnvironmentVariable("CI") != "true" && !File.Exists("/usr/sbin/dockerd") ? "needs /usr/sbin/dockerd (docker.io) for the hosts' engines (skipped outside CI)" : null);
}
