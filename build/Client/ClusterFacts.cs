using System.Net.Http.Json;
using System.Text.Json.Serialization;
using EtcdForge.Configuration;
using AlarmRequest = Etcdserverpb.AlarmRequest;
using MemberListRequest = Etcdserverpb.MemberListRequest;

namespace EtcdForge.Client;

// What Backup, Restore and the upgrade check need to know about a running cluster, read once per member over
// its own client URL: server version, who leads, the cluster version (GET /version), member IDs and alarms.
public sealed record ClusterFacts(IReadOnlyList<MemberProbe.Answer> Members, string? ClusterVersion, IReadOnlyList<string> MemberIds,
    IReadOnlyList<string> Alarms)
{
    public MemberProbe.Answer? Leader => Members.FirstOrDefault(m => m.IsLeader);

    private sealed record VersionAnswer([property: JsonPropertyName("etcdserver")] string Server, [property: JsonPropertyName("etcdcluster")] string Cluster);

    public static async Task<ClusterFacts> ReadAsync(Cluster cluster, TlsIdentity identity, CancellationToken ct)
    {
        var members = await new MemberProbe(cluster, identity).AskAllAsync(ct);
        var leader = members.FirstOrDefault(m => m.IsLeader) ?? members.FirstOrDefault(m => m.Healthy);
        if (leader is null) return new ClusterFacts(members, null, [], []);
        var url = leader.Node.ClientUrl(cluster.Etcd.ClientPort);
        using var client = EtcdConnection.Open(url, identity);
        var list = await client.MemberListAsync(new MemberListRequest(), deadline: Deadline(), cancellationToken: ct);
        var alarms = await client.AlarmAsync(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, deadline: Deadline(), cancellationToken: ct);
        return new ClusterFacts(members, await ClusterVersionAsync(url, identity, ct),
            list.Members.Select(m => m.ID.ToString("x16")).Order(StringComparer.Ordinal).ToList(),
            alarms.Alarms.Select(a => $"{a.Alarm} on member {a.MemberID:x16}").ToList());
    }

    /// <summary>The cluster version (the minor every member agreed to speak, e.g. "3.5.0") from a member's GET /version.</summary>
    public static async Task<string?> ClusterVersionAsync(string clientUrl, TlsIdentity identity, CancellationToken ct)
    {
        using var http = new HttpClient(identity.HttpHandler()) { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetFromJsonAsync<VersionAnswer>($"{clientUrl}/version", ct))?.Cluster;
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(5);
}
