namespace EtcdForge.Tests.Membership;

// A sandbox cluster of its own on 127.0.26.11-15 (ports 2379/2380), so it runs beside the shared sandbox on
// 127.0.0.11-13. Dispose runs Destroy --yes with all five nodes, then ends any etcd of this dir still alive.
public sealed class MembershipSandbox : MembershipCluster, IDisposable
{
    // A backend quota small enough for a test to fill (etcd then raises NOSPACE itself), far above what the other
    // tests write (a few thousand small keys).
    public const long QuotaBytes = 16 * 1024 * 1024;

    public MembershipSandbox() : base("sandbox")
    {
        Dir.ReachableByEtcd();
    }

    /// <summary>The members left after the scale-in (the later tests work on them).</summary>
    public int[] Kept { get; private set; } = [1, 2, 3];

    public void Keep(int[] nodes) => Kept = nodes;

    public string NodeDir(int i) => Path.Combine(ClusterDir, "nodes", $"etcd{i}");
    public string DataDir(int i) => Path.Combine(NodeDir(i), "var", "lib", "etcd");

    public override string Endpoint(int i) => $"https://127.0.26.1{i}:2379";

    protected override DescribedNode Node(int i) => DescribedNode.Local($"etcd{i}", $"127.0.26.1{i}");

    protected override IReadOnlyList<string> EtcdLines => [$"quotaBackendBytes: {QuotaBytes}"];

    public int? PidOf(int i) =>
        int.TryParse(File.ReadAllText(Path.Combine(NodeDir(i), "run", "etcd", "etcd.pid")).Trim(), out var pid) ? pid : null;

    public void Dispose()
    {
        try
        {
            Destroy();
        }
        finally
        {
            // Last resort for a failed test: only etcd processes whose command line names this artifacts dir.
            foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ') is var cmd && cmd.Contains("etcd") && cmd.Contains(ClusterDir))
                    {
                        System.Diagnostics.Process.GetProcessById(int.Parse(Path.GetFileName(dir))).Kill();
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException) { }
            }
            Dir.Dispose();
        }
    }
}
