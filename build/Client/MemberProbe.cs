using EtcdForge.Configuration;
using StatusRequest = Etcdserverpb.StatusRequest;

namespace EtcdForge.Client;

// Asks each member for its status over its own client URL; used to wait for quorum, to wait for one member
// after its restart, and to decide whether a cluster is already running.
public sealed class MemberProbe(Cluster cluster, TlsIdentity identity)
{
    // Asking is cheap (a refused connection fails at once), and members usually answer within a second of starting.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public sealed record Answer(Node Node, bool Healthy, ulong Leader, string Detail)
    {
        /// <summary>The etcd version the member reports; null when it did not answer.</summary>
        public string? Version { get; init; }
        public ulong MemberId { get; init; }
        public bool Answered => Version is not null;
        public bool IsLeader => Leader != 0 && Leader == MemberId;
    }

    public async Task<IReadOnlyList<Answer>> AskAllAsync(CancellationToken ct) =>
        await Task.WhenAll(cluster.Nodes.Select(node => AskAsync(node, ct)));

    public async Task<Answer> AskAsync(Node node, CancellationToken ct)
    {
        var status = await StatusAsync(node.ClientUrl, identity, ct);
        return new Answer(node, status.Healthy, status.Leader, status.Detail) { Version = status.Version, MemberId = status.MemberId };
    }

    /// <summary>One member's status over one client URL (also a member the description does not list): healthy
    /// when it reports no error and knows a leader; Version null when it did not answer.</summary>
    public sealed record Status(bool Healthy, ulong Leader, string Detail, string? Version, ulong MemberId);

    public static async Task<Status> StatusAsync(string endpoint, TlsIdentity identity, CancellationToken ct)
    {
        try
        {
            using var client = EtcdConnection.OpenForProbe(endpoint, identity);
            var status = await client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: ct);
            var healthy = status.Errors.Count == 0 && status.Leader != 0;
            return new Status(healthy, status.Leader, healthy ? $"etcd {status.Version}" : string.Join("; ", status.Errors.DefaultIfEmpty("no leader")),
                status.Version, status.Header.MemberId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new Status(false, 0, RpcFailure.Describe(ex), null, 0);
        }
    }

    public static bool HasQuorum(IReadOnlyList<Answer> answers) =>
        answers.Count(a => a.Healthy) > answers.Count / 2 &&
        answers.Where(a => a.Healthy).Select(a => a.Leader).Distinct().Count() == 1;

    public Task<Answer> WaitForHealthyAsync(Node node, TimeSpan timeout, TimeProvider clock, CancellationToken ct) =>
        new Poll(PollInterval, timeout, clock).UntilAsync(() => AskAsync(node, ct), answer => answer.Healthy, ct);

    // Waiting for every member (not just a majority) when they were all started together.
    public Task<IReadOnlyList<Answer>> WaitForAllHealthyAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct) =>
        new Poll(PollInterval, timeout, clock).UntilAsync(() => AskAllAsync(ct), answers => answers.All(a => a.Healthy) && HasQuorum(answers), ct);
}
