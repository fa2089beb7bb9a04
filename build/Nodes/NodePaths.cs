using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Nodes;

// Where etcd's files live on a node. SSH nodes use the usual system paths; local sandbox nodes get the same
// tree under artifacts/<cluster>/nodes/<node>/ so they need no root and never touch the system.
public sealed record NodePaths(string Root, string BinDir, string ConfigDir, string SslDir, string DataDir, string UnitFile, string RunDir)
{
    public string ConfigFile => Path.Combine(ConfigDir, "etcd.conf.yml");
    public string PidFile => Path.Combine(RunDir, "etcd.pid");
    public string LogFile => Path.Combine(RunDir, "etcd.log");
    // The fingerprint of the files etcd was last started with. On persistent storage, beside the files it
    // describes: systemd starts etcd again at boot from the same files, so a reboot must not make it look stale
    // (under /run, tmpfs, every reboot cost a needless rolling restart).
    public string StartedFingerprintFile => Path.Combine(ConfigDir, "etcd.deployed");
    // Where etcd-forge before 2026-12 kept it; still read, so an upgrade of etcd-forge restarts nothing.
    public string LegacyFingerprintFile => Path.Combine(RunDir, "etcd.deployed");
    // The config a docker member joined a running cluster with (see DockerService): in the config dir, which its
    // container sees, and on persistent storage, since the engine starts that container again after a reboot.
    public string ContainerJoinConfigFile => Path.Combine(ConfigDir, "etcd.join.conf.yml");

    public static NodePaths For(Node node, Cluster cluster, ArtifactLayout layout) =>
        node.Connection.Type == ConnectionType.Local
            ? Under(layout.LocalNodeRoot(node.Name), cluster.Etcd.DataDir)
            : Under("/", cluster.Etcd.DataDir);

    private static NodePaths Under(string root, string dataDir)
    {
        string P(string absolute) => Path.Combine(root, absolute.TrimStart('/'));
        return new NodePaths(root, P("/usr/local/bin"), P("/etc/etcd"), P("/etc/etcd/ssl"), P(dataDir),
            P("/etc/systemd/system/etcd.service"), P("/run/etcd"));
    }
}
