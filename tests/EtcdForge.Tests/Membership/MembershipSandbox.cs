using System.Text.Json;
using EtcdForge.Tests.EndToEnd;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Membership;

// A sandbox cluster of its own on 127.0.26.11-15 (ports 2379/2380), so it runs beside the shared sandbox on
// 127.0.0.11-13. Descriptions with any subset of etcd1..etcd5 are written on demand; every run shares one
// artifacts dir. Dispose runs Destroy --yes with all five nodes, then ends any etcd of this dir still alive.
public sealed class MembershipSandbox : IDisposable
{
    private readonly TempDir _dir = new();

    public MembershipSandbox()
    {
        // Run as root, the members run as the etcd user, which must reach the node dirs below the temp dir.
        File.SetUnixFileMode(_dir.Path, File.GetUnixFileMode(_dir.Path) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    /// <summary>The members left after the scale-in (the later tests work on them).</summary>
    public int[] Kept { get; private set; } = [1, 2, 3];

    public void Keep(int[] nodes) => Kept = nodes;

    public string Root => _dir.Combine("artifacts");
    public string ClusterDir => Path.Combine(Root, "sandbox");
    public string CaCert => Path.Combine(ClusterDir, "pki", "etcd-root-ca.pem");
    public string ClientCert => Path.Combine(ClusterDir, "pki", "client.pem");
    public string ClientKey => Path.Combine(ClusterDir, "pki", "client-key.pem");
    public string NodeDir(int i) => Path.Combine(ClusterDir, "nodes", $"etcd{i}");
    public string DataDir(int i) => Path.Combine(NodeDir(i), "var", "lib", "etcd");

    public static string Endpoint(int i) => $"https://127.0.26.1{i}:2379";
    public static string PeerUrl(int i) => $"https://127.0.26.1{i}:2380";
    public static string Endpoints(params int[] nodes) => string.Join(",", nodes.Select(Endpoint));

    public string Config(params int[] nodes)
    {
        var yaml = """
            cluster:
              name: sandbox
            etcd:
              version: 3.5.21
              distributionFallback: true
            pki:
              clients:
                - { name: client, commonName: root }
            nodes:

            """;
        foreach (var i in nodes) yaml += $"  - {{ name: etcd{i}, address: 127.0.26.1{i}, connection: {{ type: local }} }}\n";
        return _dir.File($"cluster-{string.Join("", nodes)}.yaml", yaml);
    }

    public ForgeResult Forge(int[] nodes, params string[] args) => ForgeProcess.Run([.. args, $"--config={Config(nodes)}", $"--artifacts={Root}"]);

    public ForgeResult ForgeSucceeds(int[] nodes, params string[] args)
    {
        var result = Forge(nodes, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    public int? PidOf(int i) =>
        int.TryParse(File.ReadAllText(Path.Combine(NodeDir(i), "run", "etcd", "etcd.pid")).Trim(), out var pid) ? pid : null;

    /// <summary>Debian's etcdctl member list: name, peer URL, learner flag and ID per member.</summary>
    public IReadOnlyList<(string Name, string PeerUrl, bool Learner, ulong Id)> MemberList(string endpoints)
    {
        var json = Etcdctl(endpoints, "member", "list", "-w", "json");
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("members").EnumerateArray().Select(m => (
            m.TryGetProperty("name", out var n) ? n.GetString()! : "",
            m.GetProperty("peerURLs")[0].GetString()!,
            m.TryGetProperty("isLearner", out var l) && l.GetBoolean(),
            m.GetProperty("ID").GetUInt64()))];
    }

    public ulong LeaderId(string endpoints)
    {
        using var doc = JsonDocument.Parse(Etcdctl(endpoints, "endpoint", "status", "-w", "json"));
        return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("Status").GetProperty("leader").GetUInt64()).Distinct().Single();
    }

    public string Etcdctl(string endpoints, params string[] args)
    {
        var result = ToolRun.Of("etcdctl", new Dictionary<string, string> { ["ETCDCTL_API"] = "3" },
            [$"--endpoints={endpoints}", $"--cacert={CaCert}", $"--cert={ClientCert}", $"--key={ClientKey}", "--command-timeout=20s", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(ClusterDir)) ForgeProcess.Run("--target=Destroy", "--yes", $"--config={Config(1, 2, 3, 4, 5)}", $"--artifacts={Root}");
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
            _dir.Dispose();
        }
    }
}
