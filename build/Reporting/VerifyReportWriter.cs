using System.Text.Json;
using System.Xml.Linq;
using EtcdForge.Artifacts;

namespace EtcdForge.Reporting;

// verify.json for people and scripts, verify.junit.xml for CI systems that render test results.
public static class VerifyReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <param name="name">the reports' base name: verify, or certificates for the Certificates target.</param>
    public static void Write(VerifyReport report, string directory, string name = "verify")
    {
        AtomicFile.Write(Path.Combine(directory, $"{name}.json"), JsonSerializer.SerializeToUtf8Bytes(report, Json), AtomicFile.PublicMode);
        var junit = JUnit(report, name).ToString();
        AtomicFile.Write(Path.Combine(directory, $"{name}.junit.xml"), System.Text.Encoding.UTF8.GetBytes(junit), AtomicFile.PublicMode);
    }

    public static XDocument JUnit(VerifyReport report, string name = "verify")
    {
        var suites = report.Checks.GroupBy(c => c.Member).Select(group => new XElement("testsuite",
            new XAttribute("name", $"{report.Cluster}.{group.Key}"),
            new XAttribute("tests", group.Count()),
            new XAttribute("failures", group.Count(c => !c.Passed && !c.Skipped)),
            new XAttribute("skipped", group.Count(c => c.Skipped)),
            new XAttribute("time", Seconds(group.Aggregate(TimeSpan.Zero, (t, c) => t + c.Duration))),
            group.Select(c => new XElement("testcase",
                new XAttribute("classname", $"{report.Cluster}.{c.Member}"),
                new XAttribute("name", c.Check),
                new XAttribute("time", Seconds(c.Duration)),
                c.Passed ? new XElement("system-out", c.Detail)
                : c.Skipped ? new XElement("skipped", new XAttribute("message", c.Detail))
                : new XElement("failure", new XAttribute("message", c.Detail), c.Detail)))));
        return new XDocument(new XElement("testsuites",
            new XAttribute("name", $"etcd-forge {name} {report.Cluster}"),
            new XAttribute("tests", report.Checks.Count),
            new XAttribute("failures", report.Checks.Count(c => !c.Passed && !c.Skipped)),
            new XAttribute("skipped", report.Checks.Count(c => c.Skipped)),
            new XAttribute("timestamp", report.CheckedAt.ToString("yyyy-MM-ddTHH:mm:ss")),
            suites));
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
}
