using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace EtcdForge.Tests.Docs;

// docs/cluster.schema.json, read as JSON to find what it says about a field, and as a JSON Schema (JsonSchema.Net,
// draft 2020-12) to check descriptions against it.
public static class DescriptionSchema
{
    public static string Path { get; } = System.IO.Path.Combine(RepoPaths.Root, "docs", "cluster.schema.json");

    public static JsonObject Document { get; } = JsonNode.Parse(File.ReadAllText(Path))!.AsObject();

    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path));

    /// <returns>one line per violation, "instance location: message"; empty when the document is valid.</returns>
    public static IReadOnlyList<string> Violations(JsonNode? description) => ViolationsOf(Schema, description);

    /// <returns>the schema's own violations of the draft 2020-12 meta-schema.</returns>
    public static IReadOnlyList<string> MetaViolations() => ViolationsOf(MetaSchemas.Draft202012, Document);

    private static IReadOnlyList<string> ViolationsOf(JsonSchema schema, JsonNode? instance)
    {
        using var document = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return [.. (result.Details ?? []).Prepend(result)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    /// <summary>The schema node of a field ("nodes[].connection.keyFile"), with its $ref followed for the keywords
    /// it does not carry itself; null when the schema does not have the field.</summary>
    public static FieldSchema? Of(string path)
    {
        JsonObject node = Document;
        var requiredByParent = false;
        foreach (var part in path.Split('.'))
        {
            var name = part.TrimEnd('[', ']');
            if (node["properties"]?[name] is not JsonObject child) return null;
            requiredByParent = node["required"]?.AsArray().Any(r => r?.GetValue<string>() == name) == true;
            node = child;
            if (part.EndsWith("[]"))
            {
                if (Resolved(node, "items") is not JsonObject items) return null;
                node = items;
            }
        }
        return new FieldSchema(node, requiredByParent);
    }

    public sealed record FieldSchema(JsonObject Node, bool Required)
    {
        public string? Description => Node["description"]?.GetValue<string>();
        public bool HasDefault => Node.ContainsKey("default") || Target()?.ContainsKey("default") == true;
        public JsonNode? Default => Node.ContainsKey("default") ? Node["default"] : Target()?["default"];

        private JsonObject? Target() => Node["$ref"]?.GetValue<string>() is { } reference ? Follow(reference) : null;
    }

    // A child keyword of a node, through its $ref when the node has none of its own.
    private static JsonNode? Resolved(JsonObject node, string keyword) =>
        node[keyword] ?? (node["$ref"]?.GetValue<string>() is { } reference ? Follow(reference)?[keyword] : null);

    private static JsonObject? Follow(string reference) =>
        reference.StartsWith("#/$defs/", StringComparison.Ordinal)
            ? Document["$defs"]?[reference["#/$defs/".Length..]] as JsonObject
            : null;
}
