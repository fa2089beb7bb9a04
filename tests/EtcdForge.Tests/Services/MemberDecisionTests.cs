using EtcdForge.Services;

namespace EtcdForge.Tests.Services;

// The one rule BootstrapCluster carries out and Plan shows, as a pure function of a member's state and the
// fingerprint of the files deployed for it.
public sealed class MemberDecisionTests
{
    [Theory]
    [InlineData(true, true, "fp-1", "fp-1", MemberAction.Leave)]
    [InlineData(true, true, "fp-0", "fp-1", MemberAction.Restart)]
    [InlineData(true, true, null, "fp-1", MemberAction.Restart)]   // started by hand or by an older etcd-forge
    [InlineData(false, true, "fp-1", "fp-1", MemberAction.Rejoin)] // stopped: a start, with its data
    [InlineData(false, true, null, "fp-1", MemberAction.Rejoin)]
    [InlineData(false, false, null, "fp-1", MemberAction.Start)]
    [InlineData(false, false, "fp-0", "fp-1", MemberAction.Start)] // a stale record of a member that never kept data
    [InlineData(true, true, null, null, MemberAction.Restart)]     // Plan before Package: the files are still to be built
    [InlineData(false, true, null, null, MemberAction.Rejoin)]
    public void Decides_from_running_data_and_fingerprint(bool running, bool hasData, string? started, string? deployed, MemberAction expected) =>
        Assert.Equal(expected, MemberStarter.Decide(new EtcdService.MemberState(running, hasData, started), deployed));

    [Fact]
    public void Plan_says_nothing_for_a_member_left_alone_and_something_for_every_other_action()
    {
        Assert.Null(MemberAction.Leave.Planned());
        Assert.All(new[] { MemberAction.Start, MemberAction.Rejoin, MemberAction.Restart }, a => Assert.NotNull(a.Planned()));
    }
}
