using EtcdForge.Pki;
using EtcdForge.Planning;
using EtcdForge.Reporting;
using EtcdForge.Rotation;

namespace EtcdForge.Tasks;

// The CA rotation recipe: ask RotationPhase for the next step (from pki/ and what members serve), take it,
// and converge the cluster with the ordinary targets (IssueCerts reissues what the current CA did not sign,
// Package and DeployNodes install the trust bundle and the leaves, BootstrapCluster restarts only the members
// whose CA file changed, one at a time). Then ask again, until phase 3 is done. A run stopped anywhere resumes
// from what the disk and the members say.
[TaskName("RotateCa")]
[TaskDescription("Rotates the CA in three phases (trust old+new with a rolling restart; reissue every leaf without restart; trust only the new CA with a rolling restart); resumes after an interruption; --force rotates a CA not yet within renewBefore")]
[IsDependentOn(typeof(BootstrapClusterTask))]
public sealed class RotateCaTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var summary = new ChangeSummary("RotateCa", context.Log);
        var rotation = new CaRotation(context.Artifacts, context.Cluster.Pki, context.Clock);
        var probe = new RotationProbe(context.Cluster, context.Artifacts, context.Clock);
        var requested = rotation.Requested(context.Options.ForcesRotation);
        while (true)
        {
            var served = rotation.Stage == CaStage.None ? null : await probe.LookAsync(rotation, default);
            var (step, why) = RotationPhase.Decide(rotation.Stage, requested, served);
            requested = false;
            context.Log.Information("RotateCa: {0}: {1}", step, why);
            if (step == RotationStep.NothingDue) break;
            var change = step switch
            {
                RotationStep.Begin => rotation.Begin(CertificateAuthority.Load(context.Artifacts)),
                RotationStep.Promote => rotation.Promote(CertificateAuthority.Load(context.Artifacts)),
                RotationStep.Retire => rotation.Retire(),
                _ => null,
            };
            context.Applied.Phase = RotationPhases.Of(step);
            if (change is not null)
            {
                summary.Record(change.What, change.Reason);
                context.Applied.Done(PlanStep.Rotation(RotationPhases.Action(step), why));
            }
            await ConvergeAsync(context);
            if (step == RotationStep.Retire) break;
            if (step is RotationStep.TrustNext or RotationStep.SwapLeaves && !await Advanced(rotation, probe, step))
            {
                throw new ForgeError($"RotateCa: {step} did not take effect ({(await probe.LookAsync(rotation, default)).Detail}); fix it and re-run --target=RotateCa");
            }
        }
        context.Applied.Phase = null;
        summary.Finish();
    }

    // A converge that leaves the same step due would loop for ever; it failed to take effect instead.
    private static async Task<bool> Advanced(CaRotation rotation, RotationProbe probe, RotationStep step) =>
        RotationPhase.Decide(rotation.Stage, false, await probe.LookAsync(rotation, default)).Step != step;

    // The phase changed pki/: the plan the earlier tasks carried out no longer holds, so DeployNodes plans afresh.
    private static async Task ConvergeAsync(BuildContext context)
    {
        context.ForgetPlan();
        new IssueCertsTask().Run(context);
        await new PackageTask().RunAsync(context);
        await new DeployNodesTask().RunAsync(context);
        await new BootstrapClusterTask().RunAsync(context);
    }
}
