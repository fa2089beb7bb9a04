// The end-to-end collections (sandboxes on their own loopback blocks, SSH hosts, systemd hosts) spend their time
// waiting for etcd-forge, etcd, sshd and booting hosts, not computing. With xunit's default of one thread per core
// (2 in CI) two waiting collections would hold every slot; four let them overlap.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 4)]

// The end-to-end classes share one cluster per class and run their steps in name order (T1_..., T2_...): the first
// brings the cluster up, later ones build on it. Order within a class costs the unit tests nothing.
[assembly: Xunit.TestCaseOrderer(EtcdForge.Tests.Support.ByMethodName.TypeName, EtcdForge.Tests.Support.ByMethodName.Assembly)]

// The longest chain of the run starts first (see CriticalPathFirst).
[assembly: Xunit.TestCollectionOrderer(EtcdForge.Tests.Support.CriticalPathFirst.TypeName, EtcdForge.Tests.Support.CriticalPathFirst.Assembly)]
