using EtcdForge.Nodes;

namespace EtcdForge.Packaging;

// etcd.service for a member. The sandboxing keeps a compromised etcd away from the rest of the host while
// leaving it the one thing it must do: write its data directory.
public static class SystemdUnit
{
    public const string FileName = "etcd.service";

    public static string Render(string clusterName, string nodeName, NodePaths paths) =>
        $"""
        [Unit]
        Description=etcd member {nodeName} of cluster {clusterName} (installed by etcd-forge)
        Documentation=https://etcd.io/docs/
        After=network-online.target
        Wants=network-online.target

        [Service]
        # etcd tells systemd when it has joined the cluster and serves clients, so dependants start after that.
        Type=notify
        User=etcd
        Group=etcd
        ExecStart={Quote(Path.Combine(paths.BinDir, "etcd"))} --config-file {Quote(paths.ConfigFile)}
        Restart=on-failure
        RestartSec=5s
        # Ready means "joined a quorum". After a whole-cluster power loss the first member up waits for the
        # others, however long their boot takes; systemd's default 90 s would kill and restart it every 95 s
        # meanwhile, gaining nothing. A member that cannot start exits by itself and Restart= retries it.
        TimeoutStartSec=infinity
        LimitNOFILE=65536
        UMask=0077
        ProtectSystem=strict
        ReadWritePaths={Quote(paths.DataDir)}
        ProtectHome=true
        PrivateTmp=true
        PrivateDevices=true
        ProtectKernelTunables=true
        ProtectKernelModules=true
        ProtectKernelLogs=true
        ProtectControlGroups=true
        ProtectClock=true
        ProtectHostname=true
        NoNewPrivileges=true
        RestrictSUIDSGID=true
        RestrictRealtime=true
        RestrictNamespaces=true
        LockPersonality=true
        CapabilityBoundingSet=
        RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
        SystemCallArchitectures=native

        [Install]
        WantedBy=multi-user.target

        """;

    // systemd splits ExecStart on spaces; sandbox paths under a user's artifacts folder may contain some.
    private static string Quote(string path) =>
        path.Contains(' ') || path.Contains('"') ? $"\"{path.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"" : path;
}
