using EtcdForge.Pki;
using EtcdForge.Rotation;

namespace EtcdForge.Tests.Rotation;

// RotateCa's one rule, on every disk stage and what members may show.
public sealed class RotationPhaseTests
{
    private static readonly ServedView NotYet = new(false, false, "etcd2 refuses");
    private static readonly ServedView TrustedAndServed = new(true, true, "all");

    [Theory]
    [InlineData(CaStage.None, false, false, RotationStep.NothingDue)]
    [InlineData(CaStage.None, true, false, RotationStep.Begin)]
    [InlineData(CaStage.NextCreated, false, false, RotationStep.TrustNext)]
    [InlineData(CaStage.NextCreated, false, true, RotationStep.Promote)]
    [InlineData(CaStage.Promoted, false, false, RotationStep.SwapLeaves)]
    [InlineData(CaStage.Promoted, false, true, RotationStep.Retire)]
    // Under way, a request to rotate changes nothing: the rotation resumes instead of starting another.
    [InlineData(CaStage.NextCreated, true, true, RotationStep.Promote)]
    [InlineData(CaStage.Promoted, true, false, RotationStep.SwapLeaves)]
    public void The_step_follows_from_disk_and_served(CaStage disk, bool requested, bool membersCaughtUp, RotationStep expected) =>
        Assert.Equal(expected, RotationPhase.Decide(disk, requested, membersCaughtUp ? TrustedAndServed : NotYet).Step);

    [Fact]
    public void Members_not_asked_never_advance_a_phase()
    {
        Assert.Equal(RotationStep.TrustNext, RotationPhase.Decide(CaStage.NextCreated, false, null).Step);
        Assert.Equal(RotationStep.SwapLeaves, RotationPhase.Decide(CaStage.Promoted, false, null).Step);
    }

    [Fact]
    public void What_members_lack_is_named()
    {
        var (_, why) = RotationPhase.Decide(CaStage.NextCreated, false, NotYet);
        Assert.Contains("etcd2 refuses", why);
    }
}
