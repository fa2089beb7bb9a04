using System.Text.Json;
using System.Text.Json.Serialization;
using EtcdForge.Artifacts;

namespace EtcdForge.Deploy;

// Bytes uploaded per node, kept for benchmarks and for CI logs that want numbers rather than prose. A node that
// failed is listed with its error only: what it received before failing is not known for sure.
public static class DeployReport
{
    public sealed record Entry(
        string Node,
        IReadOnlyList<string>? Changes,
        long? BytesUploaded,
        int? RemoteHashesCompared,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

    public static Entry Deployed(NodeDeployer.Outcome outcome) => new(outcome.Node, outcome.Changes, outcome.BytesUploaded, outcome.RemoteHashesCompared, null);

    public static Entry Failed(NodeError error) => new(error.NodeName, null, null, null, error.Message);

    public static void Write(ArtifactLayout layout, IReadOnlyList<Entry> entries) =>
        AtomicFile.Write(Path.Combine(layout.Reports, "deploy.json"),
            JsonSerializer.SerializeToUtf8Bytes(entries, new JsonSerializerOptions
            {
                WriteIndented = true,
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            }),
            AtomicFile.PublicMode);
}
