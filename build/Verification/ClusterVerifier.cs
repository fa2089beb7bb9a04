using System.Diagnostics;
using EtcdForge.Certificates;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Reporting;
using MemberListRequest = Etcdserverpb.MemberListRequest;
using StatusRequest = Etcdserverpb.StatusRequest;

namespace EtcdForge.Verification;

// Checks a running cluster the way an operator would, one client per member so a sick member cannot
// hide behind a healthy one: status, agreement on the leader, membership, a linearizable round trip,
// and that every door without the cluster's client certificate stays shut.
public sealed class ClusterVerifier(
    Cluster cluster,
    TlsIdentity trusted,
    TlsIdentity anonymous,
    TlsIdentity foreign,
    CertificateChecks certificateChecks,
    TimeProvider clock)
{
    private static readonly TimeSpan CallTimeout = MemberPatience.Answer;
    // etcd's leader re-checks the members' versions every few seconds; a cluster started moments ago says 3.0.0 until then.
    private static readonly TimeSpan ClusterVersionGrace = TimeSpan.FromSeconds(15);
    private readonly List<CheckResult> _checks = [];

    public async Task<VerifyReport> RunAsync(CancellationToken ct = default)
    {
        // A follower that has not heard from a new leader yet still names the old one, for up to an election
        // timeout (seen right after a member crashed and came back). Ask again within twice that before calling
        // it a disagreement; a real split still fails.
        var members = await new Poll(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(2 * cluster.Etcd.ElectionTimeoutMs), clock)
            .UntilAsync(() => StatusesAsync(ct), statuses => !LeadersDisagree(statuses), ct);
        var healthy = members.Where(m => m.Healthy).ToList();

        CheckLeader(members, healthy);
        if (healthy.Count > 0)
        {
            await Check("cluster", "member list matches the description", () => MembershipMatches(healthy[0], ct));
            await Check("cluster", "cluster version caught up with the members", () => ClusterVersionCaughtUp(healthy, ct));
            await Check("cluster", "write through first member, linearizable read through last", () => RoundTrip(healthy[0], healthy[^1], ct));
        }
        await CheckDoors(members, ct);
        var certificates = certificateChecks.OnDisk();
        _checks.AddRange(certificateChecks.Expiries(certificates));
        _checks.AddRange(JudgedOnLive(await certificateChecks.ServedAsync(ct), members));
        return new VerifyReport(cluster.Name, clock.GetUtcNow(), members, _checks, certificates);
    }

    private async Task<MemberStatus> StatusOf(Node node, CancellationToken ct)
    {
        var endpoint = node.ClientUrl;
        var watch = Stopwatch.StartNew();
        try
        {
            using var client = EtcdConnection.Open(endpoint, trusted);
            var status = await client.StatusAsync(new StatusRequest(), deadline: Deadline(), cancellationToken: ct);
            var errors = status.Errors.ToList();
            var result = new MemberStatus(node.Name, endpoint, errors.Count == 0, status.Version,
                Hex(status.Header.MemberId), Hex(status.Leader), (long)status.RaftIndex, (long)status.RaftTerm,
                status.DbSize, errors.Count == 0 ? null : string.Join("; ", errors));
            Record(node.Name, "healthy", result.Healthy,
                result.Healthy ? $"etcd {status.Version}, raft index {status.RaftIndex}, db {status.DbSize / 1024} KiB" : $"member reports: {result.Error}",
                watch.Elapsed);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var detail = $"unreachable at {endpoint}: {RpcFailure.Describe(ex)}";
            Record(node.Name, "healthy", false, detail, watch.Elapsed);
            return new MemberStatus(node.Name, endpoint, false, null, null, null, 0, 0, 0, detail);
        }
    }

    private async Task<List<MemberStatus>> StatusesAsync(CancellationToken ct)
    {
        var members = new List<MemberStatus>();
        foreach (var node in cluster.Nodes) members.Add(await StatusOf(node, ct));
        return members;
    }

    private static bool LeadersDisagree(IEnumerable<MemberStatus> members) =>
        members.Where(m => m.Healthy).Select(m => m.LeaderId).Distinct().Count() > 1;

    private void CheckLeader(IReadOnlyList<MemberStatus> members, IReadOnlyList<MemberStatus> healthy)
    {
        var leaders = healthy.Select(m => m.LeaderId).Distinct().ToList();
        var leader = members.FirstOrDefault(m => m.MemberId is not null && m.MemberId == leaders.FirstOrDefault());
        var quorum = healthy.Count > cluster.Nodes.Count / 2;
        var ok = quorum && leaders.Count == 1 && leaders[0] is not null and not "0000000000000000";
        var down = members.Where(m => !m.Healthy).Select(m => m.Member).ToList();
        var detail = ok
            ? $"leader {leader?.Member ?? leaders[0]}; {healthy.Count}/{cluster.Nodes.Count} members healthy" +
              (down.Count > 0 ? $"; degraded but serving, down: {string.Join(", ", down)}" : "")
            : !quorum
                ? $"no quorum: {healthy.Count}/{cluster.Nodes.Count} members healthy; down: {string.Join(", ", down)}"
                : $"members disagree on the leader: {string.Join(", ", healthy.Select(m => $"{m.Member}->{m.LeaderId}"))}";
        Record("cluster", "one leader agreed by a quorum", ok, detail, TimeSpan.Zero);
    }

    private async Task<string> MembershipMatches(MemberStatus via, CancellationToken ct)
    {
        using var client = EtcdConnection.Open(via.Endpoint, trusted);
        var list = await client.MemberListAsync(new MemberListRequest { Linearizable = true }, deadline: Deadline(), cancellationToken: ct);
        var problems = new List<string>();
        foreach (var node in cluster.Nodes)
        {
            var member = list.Members.FirstOrDefault(m => m.Name == node.Name);
            if (member is null)
            {
                problems.Add($"{node.Name} is not a member");
                continue;
            }
            var peer = node.PeerUrl;
            var clientUrl = node.ClientUrl;
            if (!member.PeerURLs.SequenceEqual([peer])) problems.Add($"{node.Name} peer URLs {string.Join(" ", member.PeerURLs)} != {peer}");
            if (!member.ClientURLs.Contains(clientUrl)) problems.Add($"{node.Name} client URLs {string.Join(" ", member.ClientURLs)} lack {clientUrl}");
            if (member.IsLearner) problems.Add($"{node.Name} is still a learner");
        }
        foreach (var extra in list.Members.Where(m => cluster.Nodes.All(n => n.Name != m.Name)))
        {
            problems.Add($"unexpected member '{(extra.Name.Length > 0 ? extra.Name : "(not started)")}' {Hex(extra.ID)}");
        }
        if (problems.Count > 0) throw new VerifyFailure(string.Join("; ", problems));
        return $"{list.Members.Count} members, names and URLs as described, no learners";
    }

    // After an upgrade the cluster version moves to the new minor only once every member runs it; until then
    // the new version's features are off. Verify says which version the cluster speaks, and fails while it lags.
    private async Task<string> ClusterVersionCaughtUp(IReadOnlyList<MemberStatus> healthy, CancellationToken ct)
    {
        var lowest = healthy.Select(m => EtcdVersion.TryParse(m.Version, out var v) ? v : default).Min();
        var clusterVersion = await ClusterFacts.WaitForClusterVersionAsync(cluster, trusted, lowest, ClusterVersionGrace, clock, ct) ?? "not decided";
        var members = string.Join(", ", healthy.Select(m => m.Version).Distinct());
        if (!EtcdVersion.TryParse(clusterVersion, out var cv) || (cv.Major, cv.Minor) != (lowest.Major, lowest.Minor))
        {
            throw new VerifyFailure($"cluster version {clusterVersion}, but the members run {members}: wait for the cluster version to move, or check the members' logs");
        }
        return $"cluster version {clusterVersion}; members run {members}";
    }

    private async Task<string> RoundTrip(MemberStatus first, MemberStatus last, CancellationToken ct)
    {
        var key = $"etcd-forge/verify/{Guid.NewGuid():N}";
        var value = clock.GetUtcNow().ToString("O");
        using var writer = EtcdConnection.Open(first.Endpoint, trusted);
        using var reader = EtcdConnection.Open(last.Endpoint, trusted);
        var retried = new List<string>();
        await Retry("write", () => writer.PutAsync(key, value, deadline: Deadline(), cancellationToken: ct), retried, ct);
        // Range requests are linearizable unless serializable is asked for.
        var read = await Retry("read", () => reader.GetValAsync(key, deadline: Deadline(), cancellationToken: ct), retried, ct);
        // Through the member that just answered: the writer may have gone down since the write.
        await Retry("delete", () => reader.DeleteAsync(key, deadline: Deadline(), cancellationToken: ct), retried, ct);
        if (read != value) throw new VerifyFailure($"wrote '{value}' through {first.Member}, read '{read}' through {last.Member}");
        // A retried round trip still passes, but the report says the cluster hiccupped and why.
        var note = retried.Count == 0 ? "" : $" (retried: {string.Join(", ", retried.GroupBy(r => r).Select(g => g.Count() > 1 ? $"{g.Key} x{g.Count()}" : g.Key))})";
        return $"wrote through {first.Member}, read the same value through {last.Member}{note}";
    }

    // A leader election (e.g. a member killed during the check) surfaces as Unavailable for about two seconds.
    private static async Task<T> Retry<T>(string step, Func<Task<T>> call, List<string> retried, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < 8 && RpcFailure.IsTransient(ex))
            {
                retried.Add($"{step}: {RpcFailure.Describe(ex)}");
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), ct);
            }
        }
    }

    // As with the doors: a member that did not answer serves nothing to compare, and its health check already
    // fails, so its served-certificate checks are skipped rather than failed a second and third time.
    private static IEnumerable<CheckResult> JudgedOnLive(IEnumerable<CheckResult> served, IReadOnlyList<MemberStatus> members)
    {
        var answered = members.Where(m => m.Version is not null).Select(m => m.Member).ToHashSet();
        return served.Select(c => c.Passed || answered.Contains(c.Member) ? c
            : c with { Skipped = true, Detail = $"not judged: {c.Member} did not answer (see its health check); {c.Detail}" });
    }

    private static readonly string[] DoorChecks =
        ["client without certificate refused", "client with certificate from another CA refused", "plain HTTP refused"];

    // Every door of every member that answered is tried, all at once (a refusal can take seconds). A member that
    // did not answer has no door to knock on: its health check already fails, so its doors are skipped and the
    // report says which live members they were judged on, rather than a "cannot judge" failure per door.
    private async Task CheckDoors(IReadOnlyList<MemberStatus> members, CancellationToken ct)
    {
        var live = cluster.Nodes.Where(n => members.Any(m => m.Member == n.Name && m.Version is not null)).ToList();
        if (live.Count == 0)
        {
            Record("cluster", "TLS refusals", false, "cannot judge: no member answers", TimeSpan.Zero);
            return;
        }
        var doors = live.SelectMany(node => new[]
        {
            Try(node.Name, DoorChecks[0], () => Refused(node, anonymous, ct)),
            Try(node.Name, DoorChecks[1], () => Refused(node, foreign, ct)),
            Try(node.Name, DoorChecks[2], () => PlainHttpRefused($"http://{node.Host}:{cluster.Etcd.ClientPort}/version", ct)),
        });
        var knocked = await Task.WhenAll(doors);
        foreach (var node in cluster.Nodes)
        {
            if (live.Contains(node)) _checks.AddRange(knocked.Where(c => c.Member == node.Name));
            else
            {
                var detail = $"not judged: {node.Name} did not answer (see its health check); judged on {string.Join(", ", live.Select(n => n.Name))}";
                _checks.AddRange(DoorChecks.Select(check => new CheckResult(node.Name, check, false, detail, TimeSpan.Zero, Skipped: true)));
            }
        }
    }

    private async Task<string> Refused(Node node, TlsIdentity identity, CancellationToken ct)
    {
        var knock = await TlsDoor.KnockAsync(node.Host, cluster.Etcd.ClientPort, identity, ct);
        if (!knock.Reached) throw new VerifyFailure($"cannot judge: {knock.Detail}");
        if (knock.Served) throw new VerifyFailure($"{node.Name} served the request: {knock.Detail}");
        return $"refused: {knock.Detail}";
    }

    private static async Task<string> PlainHttpRefused(string url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = CallTimeout };
        try
        {
            using var response = await http.GetAsync(url, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            // Go answers plain HTTP on a TLS port with 400 "Client sent an HTTP request to an HTTPS server".
            if (!response.IsSuccessStatusCode) return $"refused with HTTP {(int)response.StatusCode}";
            throw new VerifyFailure($"{url} answered plain HTTP: {body.Trim()}");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
        {
            return $"refused: {ex.HttpRequestError}";
        }
    }

    private async Task Check(string member, string name, Func<Task<string>> check) => _checks.Add(await Try(member, name, check));

    private static async Task<CheckResult> Try(string member, string name, Func<Task<string>> check)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return new CheckResult(member, name, true, await check(), watch.Elapsed);
        }
        catch (VerifyFailure ex)
        {
            return new CheckResult(member, name, false, ex.Message, watch.Elapsed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new CheckResult(member, name, false, RpcFailure.Describe(ex), watch.Elapsed);
        }
    }

    private void Record(string member, string check, bool passed, string detail, TimeSpan duration) =>
        _checks.Add(new CheckResult(member, check, passed, detail, duration));

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallTimeout);

    private static string Hex(ulong id) => id.ToString("x16");

    private sealed class VerifyFailure(string message) : Exception(message);
}
