using System.Text.Json;
using System.Text.Json.Serialization;
using EtcdForge.Artifacts;

namespace EtcdForge.Planning;

/// <summary>reports/plan.json: the plan Plan printed, for scripts and CI (schema in docs/reference.md).</summary>
public static class PlanReport
{
    public sealed record Step(string Id, string Task, string? Node, string Action, string Why, bool RestartsEtcd, bool DropsData,
        IReadOnlyList<string>? Details);

    public sealed record Document(int SchemaVersion, string Cluster, string Target, DateTimeOffset CreatedAt, IReadOnlyList<Step> Steps,
        IReadOnlyList<string> Refusals, IReadOnlyList<string> Warnings);

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string PathOf(ArtifactLayout layout) => Path.Combine(layout.Reports, "plan.json");

    public static Step Of(PlanStep s) => new(s.Id, s.Task, s.Node, s.Action, s.Why, s.RestartsEtcd, s.DropsData, s.Details);

    public static void Write(ArtifactLayout layout, string cluster, string target, ConvergencePlan plan, DateTimeOffset at)
    {
        var document = new Document(ConvergencePlan.SchemaVersion, cluster, target, at, [.. plan.Steps.Select(Of)],
            [.. plan.Refusals.Select(r => $"{r.Task}: {r.Message}")], plan.Warnings);
        Directory.CreateDirectory(layout.Reports);
        AtomicFile.Write(PathOf(layout), JsonSerializer.SerializeToUtf8Bytes(document, Json), AtomicFile.PublicMode);
    }
}
