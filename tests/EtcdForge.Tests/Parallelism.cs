// The end-to-end collections (sandboxes on their own loopback blocks, SSH hosts, systemd hosts) spend their time
// waiting for etcd-forge, etcd, sshd and booting hosts, not computing. With xunit's default of one thread per core
// (2 in CI) two waiting collections would hold every slot; four let them overlap.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 4)]
