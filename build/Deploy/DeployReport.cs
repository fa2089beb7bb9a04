using System.Text.Json;
using EtcdForge.Artifacts;

namespace EtcdForge.Deploy;

// Bytes uploaded per node, kept for benchmarks and for CI logs that want numbers rather than prose.
public static class DeployReport
{
    public static void Write(ArtifactLayout layout, IReadOnlyList<NodeDeployer.Outcome> outcomes) =>
        AtomicFile.Write(Path.Combine(layout.Reports, "deploy.json"),
            JsonSerializer.SerializeToUtf8Bytes(outcomes, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }),
            AtomicFile.PublicMode);
}
