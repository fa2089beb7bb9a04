using System.Text.Json;

namespace EtcdForge.Tests.Support;

// The planner's promise, read from a cluster's reports: the steps Plan wrote to reports/plan.json are exactly the
// steps the target then carried out (reports/applied.json), in the same order.
public static class PlannedSteps
{
    public static IReadOnlyList<string> Planned(ClusterFiles files) => Ids(files.Report("plan.json"));

    public static IReadOnlyList<string> Applied(ClusterFiles files) => Ids(files.Report("applied.json"));

    /// <summary>Asserts that the last Plan's steps are the last run's steps; <paramref name="within"/> narrows both
    /// lists to the steps it selects (e.g. one phase of a rotation).</summary>
    public static IReadOnlyList<string> AssertAppliedAsPlanned(ClusterFiles files, Func<string, bool>? within = null)
    {
        var planned = Planned(files).Where(within ?? (_ => true)).ToList();
        var applied = Applied(files).Where(within ?? (_ => true)).ToList();
        Assert.NotEmpty(planned);
        Assert.Equal(planned, applied);
        return applied;
    }

    private static List<string> Ids(string report)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
        return [.. json.RootElement.GetProperty("steps").EnumerateArray()
            .Where(s => !s.TryGetProperty("outcome", out var outcome) || outcome.GetString() == "done")
            .Select(s => s.GetProperty("id").GetString()!)];
    }
}
