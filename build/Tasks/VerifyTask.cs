using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Client;
using EtcdForge.Verification;
using Spectre.Console;

namespace EtcdForge.Tasks;

[TaskName("Verify")]
[TaskDescription("Checks the running cluster member by member, membership, a linearizable round trip, TLS enforcement and certificate expiry")]
[IsDependentOn(typeof(BootstrapClusterTask))]
public sealed class VerifyTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var layout = context.Artifacts;
        using var foreign = new ForeignIdentity(context.Cluster, layout, context.Clock);
        var certificates = Directory.Exists(layout.Pki)
            ? Directory.GetFiles(layout.Pki, "*.pem").Where(f => !f.EndsWith("-key.pem", StringComparison.Ordinal)).Order().ToList()
            : [];
        var verifier = new ClusterVerifier(context.Cluster, ClusterIdentities.Operator(context.Cluster, layout),
            ClusterIdentities.Anonymous(layout), foreign.Identity, certificates, context.Clock);
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
