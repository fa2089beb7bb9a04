namespace EtcdForge.Tests.Support;

// A cluster of three local members (etcd1-3) brought up by one `--target=Verify`, as the local-sandbox suite sees
// it: the default sandbox on 127.0.0.11-13 (Debian's 3.4.23) or a LoopbackCluster on a block of its own (3.5.30).
public interface ILocalCluster
{
    ForgeResult FirstRun { get; }
    string Version { get; }
    string ClusterDir { get; }
    ClusterFiles Files { get; }
    IReadOnlyList<string> Endpoints { get; }
    IReadOnlyCollection<int> SeenPids { get; }
    string NodeDir(string node);
    int? PidOf(string node);
    bool IsOurEtcd(int pid);
    void RecordPids();
    ForgeResult Forge(params string[] args);

    // The same description with one more line in its etcd section (e.g. "snapshotCount: 20000"), as a new file.
    string ConfigWithEtcdSetting(string setting);
}
