using EtcdForge.Pki;
using EtcdForge.Planning;
using EtcdForge.Reporting;

namespace EtcdForge.Tasks;

[TaskName("IssueCerts")]
[TaskDescription("Issues server, peer and client certificates; reissues only those that no longer fit the configuration")]
[IsDependentOn(typeof(InitCaTask))]
public sealed class IssueCertsTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var summary = new ChangeSummary("IssueCerts", context.Log);
        var ca = CertificateAuthority.Load(context.Artifacts);
        var issuance = new CertificateIssuance(context.Artifacts, context.Cluster.Pki, context.Cluster.Nodes, context.Clock);
        foreach (var change in issuance.Run(ca, context.Options.RenewsAllLeaves))
        {
            summary.Record(change.What, change.Reason);
            context.Applied.Done(PlanStep.Certificate(change));
        }
        summary.Finish();
    }
}
