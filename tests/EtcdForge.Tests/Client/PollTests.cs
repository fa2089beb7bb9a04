using EtcdForge.Client;

namespace EtcdForge.Tests.Client;

// Every wait of etcd-forge (members healthy, ready, cluster version, a refused RPC) is this loop; each caller reads
// the answer it hands back. A clock that moves one second each time it is read makes the count of asks exact.
public sealed class PollTests
{
    private static readonly TimeSpan NoPause = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Stops_at_the_first_answer_that_will_do()
    {
        var asked = 0;
        var answer = await new Poll(NoPause, TimeSpan.FromHours(1), new SteppingClock()).UntilAsync(() => Task.FromResult(++asked), n => n == 3, default);

        Assert.Equal(3, answer);
        Assert.Equal(3, asked);
    }

    [Fact]
    public async Task Hands_back_the_last_answer_when_the_time_is_up()
    {
        var asked = 0;
        // Read at 0 s (deadline 3 s), then after each ask: 1 s, 2 s, 3 s: the third ask is the last.
        var answer = await new Poll(NoPause, TimeSpan.FromSeconds(3), new SteppingClock()).UntilAsync(() => Task.FromResult(++asked), _ => false, default);

        Assert.Equal(3, answer);
        Assert.Equal(3, asked);
    }

    [Fact]
    public async Task Asks_once_even_without_time()
    {
        var asked = 0;
        var answer = await new Poll(NoPause, TimeSpan.Zero, new SteppingClock()).UntilAsync(() => Task.FromResult(++asked), _ => false, default);

        Assert.Equal(1, answer);
    }

    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow()
        {
            var now = _now;
            _now += TimeSpan.FromSeconds(1);
            return now;
        }
    }
}
