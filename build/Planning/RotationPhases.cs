using EtcdForge.Rotation;

namespace EtcdForge.Planning;

/// <summary>How a rotation step is named in plan.json and applied.json: its phase and its action.</summary>
public static class RotationPhases
{
    public static string Of(RotationStep step) => step switch
    {
        RotationStep.Begin or RotationStep.TrustNext => "phase1",
        RotationStep.Promote or RotationStep.SwapLeaves => "phase2",
        _ => "phase3",
    };

    public static string Action(RotationStep step) => step switch
    {
        RotationStep.Begin => "begin",
        RotationStep.TrustNext => "trust-next",
        RotationStep.Promote => "promote",
        RotationStep.SwapLeaves => "swap-leaves",
        RotationStep.Retire => "retire",
        _ => "none",
    };
}
