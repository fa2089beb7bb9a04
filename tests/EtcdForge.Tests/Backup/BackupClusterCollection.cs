namespace EtcdForge.Tests.Backup;

// The backup, restore and upgrade suites bring up clusters of their own on 127.0.27.0/24 (never the shared
// sandbox's 127.0.0.11-13), one class after the other, so they need no lock and run beside the other suites.
[CollectionDefinition(Name)]
public sealed class BackupClusterCollection
{
    public const string Name = "Backup clusters on 127.0.27.x";
}
