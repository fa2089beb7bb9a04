using Spectre.Console;

namespace EtcdForge.Reporting;

// The Verify report for people: boxed tables on a terminal; in a file or CI log, where a table at the default
// 80 columns wraps every cell onto several lines, one plain line per member and per check.
public static class VerifyTable
{
    public static void Write(IAnsiConsole console, VerifyReport report)
    {
        if (console.Profile.Out.IsTerminal) WriteTables(console, report);
        else WriteLines(console.Profile.Out.Writer, report);
    }

    private static string Result(CheckResult c) => c.Passed ? "pass" : c.Skipped ? "skip" : "FAIL";

    private static void WriteTables(IAnsiConsole console, VerifyReport report)
    {
        var members = new Table().Title($"etcd cluster '{Markup.Escape(report.Cluster)}'")
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
            var result = c.Passed ? "[green]pass[/]" : c.Skipped ? "[yellow]skip[/]" : "[red]FAIL[/]";
            checks.AddRow(Markup.Escape(c.Member), Markup.Escape(c.Check), result, Markup.Escape(c.Detail));
        }
        console.Write(checks);
    }

    private static void WriteLines(TextWriter output, VerifyReport report)
    {
        output.WriteLine($"etcd cluster '{report.Cluster}': {report.Members.Count} members");
        foreach (var m in report.Members)
        {
            output.WriteLine($"  member={m.Member} endpoint={m.Endpoint} healthy={(m.Healthy ? "yes" : "no")} version={m.Version ?? "-"} " +
                             $"member-id={m.MemberId ?? "-"} leader={m.LeaderId ?? "-"} raft-index={m.RaftIndex} db-size={m.DbSizeBytes / 1024}KiB");
        }
        output.WriteLine($"checks: {report.Checks.Count}");
        foreach (var c in report.Checks) output.WriteLine($"  {Result(c)} {c.Member}: {c.Check}: {c.Detail}");
        output.Flush();
    }
}
