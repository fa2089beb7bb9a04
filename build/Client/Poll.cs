namespace EtcdForge.Client;

// Asking again until the answer will do or the time is up: how etcd-forge waits for a member, the cluster or an
// RPC that etcd refuses for a while. Each caller keeps its own interval, timeout and message: the poll asks at
// least once and hands back the last answer, which the caller reads for what to say when time ran out.
public sealed record Poll(TimeSpan Interval, TimeSpan Timeout, TimeProvider Clock)
{
    public async Task<T> UntilAsync<T>(Func<Task<T>> ask, Func<T, bool> willDo, CancellationToken ct)
    {
        var deadline = Clock.GetUtcNow() + Timeout;
        while (true)
        {
            var answer = await ask();
            if (willDo(answer) || Clock.GetUtcNow() >= deadline) return answer;
            await Task.Delay(Interval, Clock, ct);
        }
    }
}
