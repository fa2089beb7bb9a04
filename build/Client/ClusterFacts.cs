using System.Net.Http.Json;
using System.Text.Json.Serialization;
using EtcdForge.Configuration;
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
        // A member that did not answer may be busy or mid-election rather than down, and the decisions made from
        // these facts (no leader to back up from; no member running, so no version change to check) are
        // conservative only when they rest on what the members said: ask again before taking silence for an answer.
        var probe = new MemberProbe(cluster, identity);
        var members = await probe.AskAllAsync(ct);
        for (var attempt = 0; attempt < 4 && WorthAskingAgain(members); attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var again = await probe.AskAllAsync(ct);
            if (again.Count(m => m.Answered) >= members.Count(m => m.Answered)) members = again;
        }
        var leader = members.FirstOrDefault(m => m.IsLeader) ?? members.FirstOrDefault(m => m.Healthy);
        if (leader is null) return new ClusterFacts(members, null, [], []);
        var url = leader.Node.ClientUrl;
        using var client = EtcdConnection.Open(url, identity);
        var list = await client.MemberListAsync(new MemberListRequest(), deadline: Deadline(), cancellationToken: ct);
        var alarms = await EtcdAlarms.ListAsync(client, Deadline(), ct);
        return new ClusterFacts(members, await ClusterVersionAsync(url, identity, ct),
            list.Members.Select(m => m.ID.ToString("x16")).Order(StringComparer.Ordinal).ToList(),
            alarms);
    }

    // A refused connection is an answer (nothing listens there); a timeout, or members without a leader, are not.
    private static bool WorthAskingAgain(IReadOnlyList<MemberProbe.Answer> members) =>
        members.Any(m => !m.Answered && !m.Detail.Contains("refused", StringComparison.OrdinalIgnoreCase)) ||
        (members.Any(m => m.Answered) && !members.Any(m => m.IsLeader));

    /// <summary>The cluster version (the minor every member agreed to speak, e.g. "3.5.0") from a member's GET /version.</summary>
    public static async Task<string?> ClusterVersionAsync(string clientUrl, TlsIdentity identity, CancellationToken ct)
    {
        using var http = new HttpClient(identity.HttpHandler()) { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetFromJsonAsync<VersionAnswer>($"{clientUrl}/version", ct))?.Cluster;
    }

    /// <summary>Polls the members' GET /version until the cluster version is <paramref name="minor"/>'s minor, or the
    /// timeout passes. The leader moves it on its own, a few seconds after every member runs that minor (also on a
    /// freshly started cluster, which says 3.0.0 until then).</summary>
    /// <returns>the last cluster version seen (null: none answered).</returns>
    public static async Task<string?> WaitForClusterVersionAsync(Cluster cluster, TlsIdentity identity, EtcdVersion minor, TimeSpan timeout,
        TimeProvider clock, CancellationToken ct)
    {
        string? seen = null;
        return await new Poll(TimeSpan.FromMilliseconds(200), timeout, clock).UntilAsync(async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                try
                {
                    return seen = await ClusterVersionAsync(node.ClientUrl, identity, ct);
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            }
            return seen; // none answered this time: the last version seen stands
        }, version => EtcdVersion.TryParse(version, out var v) && (v.Major, v.Minor) == (minor.Major, minor.Minor), ct);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(5);
}
