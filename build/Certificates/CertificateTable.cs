using EtcdForge.Reporting;
using Spectre.Console;

namespace EtcdForge.Certificates;

public static class CertificateTable
{
    public static void Write(IAnsiConsole console, VerifyReport report)
    {
        var table = new Table().Title($"certificates of '{report.Cluster}' in pki/")
            .AddColumns("file", "subject", "serial", "SANs", "expires (UTC)", "left");
        foreach (var c in report.Certificates)
        {
            table.AddRow(Markup.Escape(Path.GetFileName(c.File)), Markup.Escape(c.Subject), c.Serial,
                Markup.Escape(c.Sans.Count == 0 ? "-" : string.Join(", ", c.Sans)), $"{c.NotAfter:yyyy-MM-dd HH:mm}",
                c.Left.TotalDays >= 2 ? $"{c.DaysLeft} d" : $"{c.Left.TotalHours:0.0} h");
        }
        console.Write(table);
        VerifyTable.WriteChecks(console, report);
    }
}
