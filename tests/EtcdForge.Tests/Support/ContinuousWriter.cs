using System.Diagnostics;
using dotnet_etcd;
using Etcdserverpb;
using EtcdForge.Client;
using Google.Protobuf;

namespace EtcdForge.Tests.Support;

/// <summary>
/// The client that day-2 tests run throughout an operation: it writes a counter, one acknowledged value after the
/// other, and remembers every acknowledgement. Each write is one transaction that puts PREFIX/counter = n and
/// PREFIX/log/n, so a lost acknowledged write shows as a missing log key, not only as a counter that went back.
/// Value n+1 is written only after n was acknowledged; a failed attempt is retried with the same n (a write that
/// timed out may still have been applied, which is fine: it was never acknowledged).
/// </summary>
public sealed class ContinuousWriter : IAsyncDisposable
{
    // Bounded by design: a write either answers within this or counts as a failed attempt and is retried.
    private static readonly TimeSpan AttemptDeadline = TimeSpan.FromSeconds(3);
    // Keeps the log at a few thousand keys per minute: enough to see a gap, cheap to check with etcdctl.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    private readonly string[] _endpoints;
    private readonly TlsIdentity _identity;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<WriterAck> _acks = [];
    private readonly List<string> _errors = [];
    private readonly Task _loop;
    private int _failed;

    private ContinuousWriter(string[] endpoints, TlsIdentity identity, string prefix)
    {
        _endpoints = endpoints;
        _identity = identity;
        _prefix = prefix;
        _loop = Task.Run(RunAsync);
    }

    /// <param name="endpoints">"https://a:2379,https://b:2379" or one endpoint per item.</param>
    public static ContinuousWriter Start(IEnumerable<string> endpoints, string caFile, string certFile, string keyFile, string prefix = "ef-writer")
    {
        var list = endpoints.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        if (list.Length == 0) throw new ArgumentException("no endpoints", nameof(endpoints));
        return new ContinuousWriter(list, new TlsIdentity(caFile, certFile, keyFile), prefix);
    }

    public static ContinuousWriter Start(string endpoints, string caFile, string certFile, string keyFile, string prefix = "ef-writer") =>
        Start([endpoints], caFile, certFile, keyFile, prefix);

    /// <summary>How many writes have been acknowledged so far (for a test that waits until the writer is going).</summary>
    public int Acknowledged { get { lock (_acks) return _acks.Count; } }

    /// <summary>How many attempts have failed so far (each was retried).</summary>
    public int FailedAttempts => Volatile.Read(ref _failed);

    /// <summary>Waits until at least <paramref name="count"/> more writes were acknowledged, or fails after the bound.</summary>
    public async Task WaitForMoreAsync(int count, TimeSpan? bound = null)
    {
        var target = Acknowledged + count;
        var watch = Stopwatch.StartNew();
        while (Acknowledged < target)
        {
            if (watch.Elapsed > (bound ?? TimeSpan.FromSeconds(60)) || _loop.IsCompleted)
            {
                throw new InvalidOperationException($"the writer reached {Acknowledged} acknowledged writes, not {target}; last errors: {string.Join(" | ", LastErrors())}");
            }
            await Task.Delay(20);
        }
    }

    public async Task<WriterReport> StopAsync()
    {
        _stop.Cancel();
        await _loop;
        lock (_acks)
        {
            var gap = TimeSpan.Zero;
            for (var i = 1; i < _acks.Count; i++) gap = Max(gap, _acks[i].At - _acks[i - 1].At);
            return new WriterReport(_prefix, [.. _acks], _failed, gap, [.. _errors]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        // One client per endpoint: on a failure the writer moves to the next member, as a real client would,
        // instead of waiting on a member that is being restarted or was removed.
        var clients = new EtcdClient?[_endpoints.Length];
        var current = 0;
        var next = 1L;
        var clock = Stopwatch.StartNew();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var client = clients[current] ??= EtcdConnection.OpenForProbe(_endpoints[current], _identity);
                    var response = await client.TransactionAsync(WriteOf(next), deadline: DateTime.UtcNow + AttemptDeadline, cancellationToken: _stop.Token);
                    lock (_acks) _acks.Add(new WriterAck(next, response.Header.Revision, _endpoints[current], clock.Elapsed));
                    next++;
                    await Task.Delay(Pace, _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failed);
                    lock (_acks) _errors.Add($"{clock.Elapsed.TotalSeconds:0.000}s {_endpoints[current]} n={next}: {Causes(e)}");
                    clients[current]?.Dispose();
                    clients[current] = null;
                    current = (current + 1) % _endpoints.Length;
                    try { await Task.Delay(Pace, _stop.Token); } catch (OperationCanceledException) { break; }
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    // Cancelled mid-call: that attempt was never acknowledged, so it does not count either way.
                    break;
                }
            }
        }
        finally
        {
            foreach (var client in clients) client?.Dispose();
        }
    }

    private TxnRequest WriteOf(long n)
    {
        var value = ByteString.CopyFromUtf8(n.ToString());
        return new TxnRequest
        {
            Success =
            {
                new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"{_prefix}/counter"), Value = value } },
                new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(WriterReport.LogKey(_prefix, n)), Value = value } },
            },
        };
    }

    private IEnumerable<string> LastErrors()
    {
        lock (_acks) return _errors.TakeLast(3).ToArray();
    }

    // Every message from the outer exception to the innermost: dotnet-etcd wraps the cause several layers deep, and
    // on a refused TLS handshake the innermost one alone says only that a stream was disposed.
    internal static string Causes(Exception e)
    {
        var messages = new List<string>();
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            var message = cause.Message.ReplaceLineEndings(" ");
            if (!messages.Any(m => m.Contains(message, StringComparison.Ordinal))) messages.Add(message);
        }
        return string.Join(" <- ", messages);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>One acknowledged write: the counter value, the revision etcd answered with, the member that took it, when.</summary>
public sealed record WriterAck(long Value, long Revision, string Endpoint, TimeSpan At);

public sealed record WriterReport(string Prefix, IReadOnlyList<WriterAck> Acks, int FailedAttempts, TimeSpan LongestGap, IReadOnlyList<string> Errors)
{
    public int Acknowledged => Acks.Count;
    public long LastAcknowledged => Acks.Count == 0 ? 0 : Acks[^1].Value;

    public static string LogKey(string prefix, long n) => $"{prefix}/log/{n:D9}";

    public override string ToString() =>
        $"{Acknowledged} acknowledged (last {LastAcknowledged}), {FailedAttempts} failed attempts, longest gap {LongestGap.TotalSeconds:0.000} s" +
        (Errors.Count == 0 ? "" : $"; first errors: {string.Join(" | ", Errors.Take(3))}");

    /// <summary>
    /// Asks the cluster with Debian's etcdctl (not the client that wrote) for every log key and the counter, and
    /// fails naming the first acknowledged values that are gone.
    /// </summary>
    public async Task AssertNoLossAsync(string endpoints, string caFile, string certFile, string keyFile)
    {
        Assert.True(Acknowledged > 0, $"the writer had no acknowledged write to check: {this}");
        string[] tls = ["--endpoints", endpoints, "--cacert", caFile, "--cert", certFile, "--key", keyFile, "--command-timeout=10s"];
        var keys = await EtcdctlAsync([.. tls, "get", $"{Prefix}/log/", "--prefix", "--keys-only"]);
        var present = keys.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var lost = Acks.Where(a => !present.Contains(LogKey(Prefix, a.Value))).Select(a => a.Value).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes lost, first: {string.Join(", ", lost.Take(10))}; {this}");
        var counter = (await EtcdctlAsync([.. tls, "get", $"{Prefix}/counter", "--print-value-only"])).Trim();
        Assert.True(long.TryParse(counter, out var value) && value >= LastAcknowledged,
            $"{Prefix}/counter is '{counter}', below the last acknowledged {LastAcknowledged}; {this}");
    }

    private static async Task<string> EtcdctlAsync(string[] args)
    {
        var result = await Task.Run(() => ExternalTool.Run("/usr/bin/etcdctl", args));
        Assert.True(result.ExitCode == 0, $"etcdctl {string.Join(' ', args.SkipWhile(a => a != "get"))} exited {result.ExitCode}: {result.Stderr}");
        return result.Stdout;
    }
}
