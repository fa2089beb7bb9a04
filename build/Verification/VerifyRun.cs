using EtcdForge.Artifacts;
using EtcdForge.Certificates;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Reporting;
using Spectre.Console;

namespace EtcdForge.Verification;

// One Verify pass with its table and reports; the Verify target runs it, and so does Restore once the restored
// members are up. A failed pass stops the run naming the member and the check.
public static class VerifyRun
{
    public static async Task<VerifyReport> RunAsync(Cluster cluster, ArtifactLayout layout, TimeProvider clock, ICakeLog log)
    {
        using var foreign = new ForeignIdentity(cluster, layout, clock);
        var trusted = ClusterIdentities.Operator(cluster, layout);
        var verifier = new ClusterVerifier(cluster, trusted, ClusterIdentities.Anonymous(layout), foreign.Identity,
            new CertificateChecks(cluster, layout, trusted, clock), clock);
        var report = await verifier.RunAsync();

        VerifyTable.Write(AnsiConsole.Console, report);
        VerifyReportWriter.Write(report, layout.Reports);
        log.Information("reports: {0}, {1}", Path.Combine(layout.Reports, "verify.json"), Path.Combine(layout.Reports, "verify.junit.xml"));
        if (!report.Passed)
        {
            throw new ForgeError("Verify failed: " + string.Join("; ", report.Failures.Select(f => $"{f.Member}: {f.Check}: {f.Detail}")));
        }
        log.Information("Verify: all {0} checks passed", report.Checks.Count);
        return report;
    }
}
