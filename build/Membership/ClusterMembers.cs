using dotnet_etcd;
using EtcdForge.Client;
using Etcdserverpb;

namespace EtcdForge.Membership;

// The running cluster's membership through dotnet-etcd: list, add a learner, promote, remove, move the leader,
// alarms, and each member's health as the guards need it.
public sealed class ClusterMembers(TlsIdentity identity, TimeProvider clock)
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The member list from the first endpoint that answers; null when none does (no cluster runs).</summary>
    public Task<IReadOnlyList<LiveMember>?> TryListAsync(IEnumerable<string> endpoints, CancellationToken ct) =>
        FirstAnswerAsync<IReadOnlyList<LiveMember>>(endpoints, async c =>
            [.. (await c.MemberListAsync(new MemberListRequest(), deadline: Deadline(), cancellationToken: ct)).Members.Select(LiveMember.From)], ct);

    /// <summary>The active alarms from the first endpoint that answers; null when none does.</summary>
    public Task<IReadOnlyList<string>?> TryAlarmsAsync(IEnumerable<string> endpoints, CancellationToken ct) =>
        FirstAnswerAsync(endpoints, c => EtcdAlarms.ListAsync(c, Deadline(), ct), ct);

    // One endpoint at a time, so a member that is down or frozen costs one call deadline, not the answer.
    private async Task<T?> FirstAnswerAsync<T>(IEnumerable<string> endpoints, Func<EtcdClient, Task<T>> call, CancellationToken ct) where T : class
    {
        foreach (var endpoint in endpoints.Distinct())
        {
            try
            {
                using var client = EtcdConnection.OpenForProbe(endpoint, identity);
                return await call(client);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The next endpoint may answer.
            }
        }
        return null;
    }

    public async Task<IReadOnlyList<MemberHealth>> HealthAsync(IReadOnlyList<LiveMember> members, CancellationToken ct) =>
        await Task.WhenAll(members.Select(async m =>
        {
            if (m.ClientUrls.Count == 0) return new MemberHealth(m, false, "not started");
            var status = await MemberProbe.StatusAsync(m.ClientUrls[0], identity, ct);
            return new MemberHealth(m, status.Healthy, status.Detail);
        }));

    public Task<IReadOnlyList<string>> AlarmsAsync(IReadOnlyList<LiveMember> members, CancellationToken ct) =>
        CallAsync(Endpoints(members), c => EtcdAlarms.ListAsync(c, Deadline(), ct), null, ct);

    /// <summary>The highest raft index among the endpoints that answer; null when none does.</summary>
    public async Task<ulong?> RaftIndexAsync(IReadOnlyList<string> endpoints, CancellationToken ct)
    {
        var indexes = await Task.WhenAll(endpoints.Select(async endpoint =>
        {
            try
            {
                using var client = EtcdConnection.OpenForProbe(endpoint, identity);
                return (ulong?)(await client.StatusAsync(new StatusRequest(), deadline: Deadline(), cancellationToken: ct)).RaftIndex;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return null;
            }
        }));
        return indexes.Max();
    }

    public async Task<ulong> LeaderAsync(string endpoint, CancellationToken ct) =>
        (await MemberProbe.StatusAsync(endpoint, identity, ct)).Leader;

    // etcd answers "unhealthy cluster" to membership changes until every member has been connected for a few
    // seconds (its strict reconfig check), e.g. just after a member started: that is worth waiting out.
    public async Task<MemberAddResponse> AddLearnerAsync(IReadOnlyList<LiveMember> members, string peerUrl, TimeSpan wait, CancellationToken ct) =>
        await CallAsync(Endpoints(members), c => c.MemberAddAsync(new MemberAddRequest { PeerURLs = { peerUrl }, IsLearner = true }, deadline: Deadline(), cancellationToken: ct), wait, ct);

    public async Task RemoveAsync(IReadOnlyList<LiveMember> members, ulong id, TimeSpan wait, CancellationToken ct) =>
        await CallAsync(Endpoints(members.Where(m => m.Id != id).ToList()), c => c.MemberRemoveAsync(new MemberRemoveRequest { ID = id }, deadline: Deadline(), cancellationToken: ct), wait, ct);

    /// <summary>MoveLeader must be sent to the current leader.</summary>
    public async Task MoveLeaderAsync(LiveMember leader, ulong target, TimeSpan wait, CancellationToken ct) =>
        await CallAsync(leader.ClientUrls, c => c.MoveLeaderAsync(new MoveLeaderRequest { TargetID = target }, deadline: Deadline(), cancellationToken: ct), wait, ct);

    /// <summary>Promotes a learner, asking again until <paramref name="wait"/> has passed: etcd refuses while the
    /// learner lags the leader. Returns null when promoted, else the last refusal.</summary>
    public async Task<string?> TryPromoteAsync(IReadOnlyList<LiveMember> members, ulong id, TimeSpan wait, CancellationToken ct)
    {
        var endpoints = Endpoints(members.Where(m => m.Id != id).ToList());
        var (_, refusal) = await AttemptsAsync(endpoints,
            c => c.MemberPromoteAsync(new MemberPromoteRequest { ID = id }, deadline: Deadline(), cancellationToken: ct), wait, _ => true, ct);
        return refusal is null ? null : RpcFailure.Describe(refusal);
    }

    private async Task<T> CallAsync<T>(IReadOnlyList<string> endpoints, Func<EtcdClient, Task<T>> call, TimeSpan? wait, CancellationToken ct)
    {
        var (answer, failure) = await AttemptsAsync(endpoints, call, wait ?? TimeSpan.Zero,
            ex => RpcFailure.IsTransient(ex) || ex.Message.Contains("unhealthy cluster", StringComparison.OrdinalIgnoreCase), ct);
        return failure is null ? answer! : throw new ForgeError(RpcFailure.Describe(failure), failure);
    }

    // The call, made again every RetryInterval while it fails in a way worth retrying, until wait has passed.
    private Task<(T? Answer, Exception? Failure)> AttemptsAsync<T>(IReadOnlyList<string> endpoints, Func<EtcdClient, Task<T>> call, TimeSpan wait,
        Func<Exception, bool> worthRetrying, CancellationToken ct) =>
        new Poll(RetryInterval, wait, clock).UntilAsync<(T?, Exception?)>(async () =>
        {
            try
            {
                using var client = EtcdConnection.Open(string.Join(",", endpoints), identity);
                return (await call(client), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return (default, ex);
            }
        }, attempt => attempt.Item2 is not { } failure || !worthRetrying(failure), ct);

    private static IReadOnlyList<string> Endpoints(IReadOnlyList<LiveMember> members) =>
        members.Where(m => !m.IsLearner).SelectMany(m => m.ClientUrls).Distinct().ToList();

    private static DateTime Deadline() => DateTime.UtcNow + CallDeadline;
}
