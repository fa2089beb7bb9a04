using System.Text.Json;
using EtcdForge.Tests.EndToEnd;

namespace EtcdForge.Tests.Membership;

// A cluster whose description lists any subset of etcd1..etcd5 (written on demand; every run shares one artifacts
// dir), and the tools to look at it from outside: Debian's etcdctl and the membership report. The subclasses say
// where node N lives (a loopback sandbox member, an SSH test host).
public abstract class MembershipCluster(string name)
{
    public static readonly int[] All = [1, 2, 3, 4, 5];

    protected TempDir Dir { get; } = new();

    public string Root => Dir.Combine("artifacts");
    public string ClusterDir => Path.Combine(Root, name);
    public ClusterFiles Files => new(ClusterDir);

    public abstract string Endpoint(int i);
    public string Endpoints(params int[] nodes) => string.Join(",", nodes.Select(Endpoint));

    /// <summary>Node N's entry under nodes: in the description.</summary>
    protected abstract DescribedNode Node(int i);

    /// <summary>Lines added under etcd: in the description.</summary>
    protected virtual IReadOnlyList<string> EtcdLines => [];

    public string Config(params int[] nodes)
    {
        var description = new ClusterDescription(name)
        {
            Etcd = ["version: 3.5.21", "distributionFallback: true", .. EtcdLines],
            Nodes = [.. nodes.Select(Node)],
        };
        return Dir.File($"cluster-{string.Join("", nodes)}.yaml", description.Yaml);
    }

    // A run that adds two members over SSH goes through the whole pipeline twice over: on a machine shared by several
    // suites it has taken more than the usual five-minute hang guard (it was in Verify when killed).
    private static readonly ForgeProcess Process = new() { HangGuard = TimeSpan.FromMinutes(15) };

    public ForgeResult Forge(int[] nodes, params string[] args) => Process.Start([.. args, $"--config={Config(nodes)}", $"--artifacts={Root}"]);

    public ForgeResult ForgeSucceeds(int[] nodes, params string[] args)
    {
        var result = Forge(nodes, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

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
        var result = Files.Etcdctl([endpoints], args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    public sealed record LogEntry(string Change, string Node, string? MemberId, string? OldMemberId);

    /// <summary>reports/membership.json: every change made, in order.</summary>
    public IReadOnlyList<LogEntry> Log() =>
        JsonSerializer.Deserialize<List<LogEntry>>(File.ReadAllText(Path.Combine(ClusterDir, "reports", "membership.json")),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!;

    /// <summary>Destroy --yes with every node any test described.</summary>
    protected void Destroy()
    {
        if (Directory.Exists(ClusterDir)) Forge(All, "--target=Destroy", "--yes");
    }
}
