using Spectre.Console;

namespace EtcdForge.Verification;

public static class VerifyTable
{
    public static void Write(IAnsiConsole console, VerifyReport report)
    {
        var members = new Table().Title($"etcd cluster '{report.Cluster}'")
            .AddColumns("member", "endpoint", "healthy", "version", "member id", "leader", "raft index", "db size");
        foreach (var m in report.Members)
        {
            members.AddRow(Markup.Escape(m.Member), Markup.Escape(m.Endpoint), m.Healthy ? "[green]yes[/]" : "[red]no[/]",
                m.Version ?? "-", m.MemberId ?? "-", m.LeaderId ?? "-", m.RaftIndex.ToString(), $"{m.DbSizeBytes / 1024} KiB");
        }
        console.Write(members);
        WriteChecks(console, report);
    }

    public static void WriteChecks(IAnsiConsole console, VerifyReport report)
    {
        var checks = new Table().AddColumns("where", "check", "result", "detail");
        foreach (var c in report.Checks)
        {
            checks.AddRow(Markup.Escape(c.Member), Markup.Escape(c.Check), c.Passed ? "[green]pass[/]" : "[red]FAIL[/]", Markup.Escape(c.Detail));
        }
        console.Write(checks);
    }
}
