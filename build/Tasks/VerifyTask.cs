using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Certificates;
using EtcdForge.Client;
using EtcdForge.Verification;
using Spectre.Console;

namespace EtcdForge.Tasks;

[TaskName("Verify")]
[TaskDescription("Checks the running cluster member by member, membership, a linearizable round trip, TLS enforcement, certificate expiry and the certificates each member serves")]
[IsDependentOn(typeof(BootstrapClusterTask))]
public sealed class VerifyTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var layout = context.Artifacts;
        using var foreign = new ForeignIdentity(context.Cluster, layout, context.Clock);
        var trusted = ClusterIdentities.Operator(context.Cluster, layout);
        var verifier = new ClusterVerifier(context.Cluster, trusted, ClusterIdentities.Anonymous(layout), foreign.Identity,
            new CertificateChecks(context.Cluster, layout, trusted, context.Clock), context.Clock);
        var report = await verifier.RunAsync();

        VerifyTable.Write(AnsiConsole.Console, report);
        VerifyReportWriter.Write(report, layout.Reports);
        context.Log.Information("reports: {0}, {1}", Path.Combine(layout.Reports, "verify.json"), Path.Combine(layout.Reports, "verify.junit.xml"));
        if (!report.Passed)
        {
            throw new ForgeError("Verify failed: " + string.Join("; ", report.Failures.Select(f => $"{f.Member}: {f.Check}: {f.Detail}")));
        }
        context.Log.Information("Verify: all {0} checks passed", report.Checks.Count);
    }
}
