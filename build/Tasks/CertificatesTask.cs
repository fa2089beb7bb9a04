using EtcdForge.Certificates;
using EtcdForge.Client;
using EtcdForge.Reporting;
using Spectre.Console;

namespace EtcdForge.Tasks;

[TaskName("Certificates")]
[TaskDescription("Lists every certificate in pki/ (serial, SANs, expiry) and the one each member serves on its client and peer ports; a mismatch fails")]
public sealed class CertificatesTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context) => await Report(context, "Certificates", expiries: true);

    // Also RenewCerts' last step: the renewed certificates must be the ones served.
    internal static async Task Report(BuildContext context, string task, bool expiries)
    {
        var layout = context.Artifacts;
        var checks = new CertificateChecks(context.Cluster, layout, ClusterIdentities.Operator(context.Cluster, layout), context.Clock);
        var report = await CertificateStatus.CheckAsync(context.Cluster.Name, checks, expiries, context.Clock, default);
        CertificateTable.Write(AnsiConsole.Console, report);
        VerifyReportWriter.Write(report, layout.Reports, CertificateStatus.ReportName);
        context.Log.Information("reports: {0}, {1}", Path.Combine(layout.Reports, $"{CertificateStatus.ReportName}.json"),
            Path.Combine(layout.Reports, $"{CertificateStatus.ReportName}.junit.xml"));
        if (!report.Passed)
        {
            throw new ForgeError($"{task} failed: " + string.Join("; ", report.Failures.Select(f => $"{f.Member}: {f.Check}: {f.Detail}")));
        }
        context.Log.Information("{0}: all {1} checks passed", task, report.Checks.Count);
    }
}
