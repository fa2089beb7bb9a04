namespace EtcdForge.Docker;

// How an etcd member's container is created, in one place for both engines.
// - host networking: etcd listens on the node's own addresses, as the systemd unit's etcd does;
// - the config and certificates read-only, the data dir read-write, each at the path the config file names;
// - the etcd user's uid:gid (the owner of the certificates), never root;
// - unless-stopped: a crash or a reboot of the node brings it back, a deliberate stop does not;
// - read-only root filesystem, no capabilities, no privilege gain: etcd needs none of them on ports >= 1024.
public sealed record ContainerSpec(string Name, string Image, string User, IReadOnlyList<Mount> Mounts, IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Labels)
{
    public const string NetworkMode = "host";
    public const string RestartPolicy = "unless-stopped";

    public IEnumerable<string> Binds => Mounts.Select(m => $"{m.Path}:{m.Path}:{(m.Writable ? "rw" : "ro")}");
}

public sealed record Mount(string Path, bool Writable);

public static class Labels
{
    public const string Cluster = "io.etcd-forge.cluster";
    public const string Member = "io.etcd-forge.member";
    // The fingerprint of the files and image the container was created with: a different one means replace it.
    public const string Fingerprint = "io.etcd-forge.fingerprint";
}
