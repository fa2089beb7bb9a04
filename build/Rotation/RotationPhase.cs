using EtcdForge.Pki;

namespace EtcdForge.Rotation;

public enum RotationStep
{
    NothingDue,
    /// <summary>Phase 1 starts: a new CA is made, the current one kept.</summary>
    Begin,
    /// <summary>Phase 1: the trust bundle (old + new) installed, members restarted one at a time.</summary>
    TrustNext,
    /// <summary>Phase 2 starts: the new CA becomes the signer.</summary>
    Promote,
    /// <summary>Phase 2: every leaf reissued from the new CA, swapped without restart.</summary>
    SwapLeaves,
    /// <summary>Phase 3: the trust bundle reduced to the new CA, members restarted, old CA archived.</summary>
    Retire,
}

/// <param name="AllTrustNext">every member accepts a client certificate signed by the next CA.</param>
/// <param name="AllServeCurrent">every member serves, on its client and peer ports, a chain to the current CA.</param>
public sealed record ServedView(bool AllTrustNext, bool AllServeCurrent, string Detail);

// The one rule of a CA rotation: from what is on disk and what members serve, the next step. Plan shows it,
// RotateCa carries it out and asks again, so an interrupted rotation resumes where the cluster really is.
public static class RotationPhase
{
    /// <param name="requested">a rotation is asked for (--force, or the CA is within renewBefore); only read
    /// when none is under way.</param>
    /// <param name="served">null when members were not asked (Plan without a cluster).</param>
    public static (RotationStep Step, string Why) Decide(CaStage disk, bool requested, ServedView? served) => disk switch
    {
        CaStage.None when requested => (RotationStep.Begin, "phase 1: a new CA is made beside the current one"),
        CaStage.None => (RotationStep.NothingDue, "no rotation under way and the CA is not within renewBefore (--force rotates now)"),
        CaStage.NextCreated when served is { AllTrustNext: true } =>
            (RotationStep.Promote, "phase 2: every member trusts the new CA; it becomes the signer"),
        CaStage.NextCreated => (RotationStep.TrustNext,
            $"phase 1: members are to trust old and new CA (a restart each){Because(served)}"),
        CaStage.Promoted when served is { AllServeCurrent: true } =>
            (RotationStep.Retire, "phase 3: every member serves the new CA's certificates; the old CA is dropped from the trust bundle (a restart each) and archived"),
        CaStage.Promoted => (RotationStep.SwapLeaves, $"phase 2: every leaf reissued from the new CA and swapped without restart{Because(served)}"),
        _ => throw new ArgumentOutOfRangeException(nameof(disk), disk, null),
    };

    private static string Because(ServedView? served) => served is null ? "" : $" ({served.Detail})";
}
