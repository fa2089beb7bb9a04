namespace EtcdForge.Tests.Support;

// The backup, restore and upgrade suites bring up clusters of their own on 127.0.27.0/24 (never the shared
// sandbox's 127.0.0.11-13), one class after the other, so they need no lock and run beside the other suites.
[CollectionDefinition(Name)]
public sealed class BackupClusterCollection
{
    public const string Name = "Backup clusters on 127.0.27.x";
}

// The clusters of that block, each brought up (Verify) once for its class: 3.4.23 with backup.keep 2 for
// BackupRestoreTests on .11-13, 3.4.23 with backup.keep 3 for UpgradeTests on .21-23.
public sealed class Backup34Cluster : LoopbackCluster
{
    public Backup34Cluster() : base(block: 27, version: EtcdRelease.V34, name: "bk34", firstHost: 11, sections: ["backup: { keep: 2 }"]) => Verify();
}

public sealed class Upgrade34Cluster : LoopbackCluster
{
    public Upgrade34Cluster() : base(block: 27, version: EtcdRelease.V34, name: "up", firstHost: 21, sections: ["backup: { keep: 3 }"]) => Verify();
}
