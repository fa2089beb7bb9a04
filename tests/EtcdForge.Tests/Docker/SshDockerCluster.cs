using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Docker;

// A service: docker cluster on the three SSH test hosts, each with a Docker engine of its own (testhosts.sh docker N
// up: a dockerd inside the host's network and mount namespaces, its socket at the host's /run/docker.sock), so
// etcd-forge reaches each engine the way it would reach a real node's: the docker CLI over SSH. Dispose destroys the
// cluster and stops the engines (by their pids), so the next class of the collection finds the hosts as they were.
public sealed class SshDockerCluster : TestHostCluster
{
    public SshDockerCluster() : base("sshdocker", TestHosts.Key("id_ed25519"), service: "docker")
    {
        for (var host = 1; host <= Nodes.Length; host++) TestHosts.ScriptAsync("docker", host.ToString(), "up").GetAwaiter().GetResult();
    }

    public static string Container(int host) => $"etcd-forge-sshdocker-etcd{host}";

    public override void Dispose()
    {
        try
        {
            base.Dispose();
        }
        finally
        {
            for (var host = 1; host <= Nodes.Length; host++) TestHosts.ScriptAsync("docker", host.ToString(), "down").GetAwaiter().GetResult();
        }
    }
}
