using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdForge.Tests.Docs;

// A field the loader accepts must be described where users look: docs/reference.md and docs/cluster.schema.json.
// The fields come from the model by reflection (DescriptionFields), so adding one to ClusterConfig fails these
// tests until both documents describe it.
public sealed class DescriptionDocsTests
{
    private static readonly string Reference = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "reference.md"));

    [Fact]
    public void The_model_yields_the_fields_a_description_has()
    {
        // Guards the reflection itself: a walk that found nothing would make the tests below pass vacuously.
        var paths = DescriptionFields.All.Select(f => f.Path).ToList();
        Assert.Contains("cluster.name", paths);
        Assert.Contains("etcd.quotaBackendBytes", paths);
        Assert.Contains("pki.clients[].commonName", paths);
        Assert.Contains("nodes[].connection.keyFile", paths);
        Assert.True(paths.Count >= 40, $"only {paths.Count} fields found: {string.Join(", ", paths)}");
    }

    [Fact]
    public void Every_field_is_in_the_reference()
    {
        var missing = DescriptionFields.All.Where(f => f.IsValue && !Reference.Contains($"`{f.Path}`", StringComparison.Ordinal))
            .Select(f => f.Path).ToList();
        Assert.True(missing.Count == 0, $"docs/reference.md does not describe: {string.Join(", ", missing)} (a table row starting | `path` |)");
    }

    [Fact]
    public void Every_field_is_in_the_schema_with_a_description()
    {
        var missing = DescriptionFields.All.Where(f => DescriptionSchema.Of(f.Path)?.Description is not { Length: > 0 })
            .Select(f => f.Path).ToList();
        Assert.True(missing.Count == 0, $"docs/cluster.schema.json has no described property for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_schema_gives_each_optional_scalar_the_models_default()
    {
        var wrong = new List<string>();
        foreach (var field in DescriptionFields.All.Where(f => f.IsScalar))
        {
            var schema = DescriptionSchema.Of(field.Path);
            if (schema is null || schema.Required) continue; // a missing field has its own failure; required ones have no default
            var expected = JsonSerializer.SerializeToNode(field.Default);
            // An empty text in the model is a default the loader derives from other fields (cluster.token:
            // etcd-forge-<name>): JSON Schema cannot state it, so the description must.
            if (field.Default is "" && !schema.HasDefault)
            {
                if (schema.Description?.Contains("Default", StringComparison.Ordinal) != true) wrong.Add($"{field.Path}: a derived default, not stated in its description");
                continue;
            }
            if (!schema.HasDefault) wrong.Add($"{field.Path}: no default (the model's is {expected?.ToJsonString() ?? "null"})");
            else if (!JsonNode.DeepEquals(schema.Default, expected)) wrong.Add($"{field.Path}: default {schema.Default?.ToJsonString() ?? "null"}, the model's is {expected?.ToJsonString() ?? "null"}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_schema_is_a_valid_draft_2020_12_schema()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", DescriptionSchema.Document["$schema"]?.GetValue<string>());
        var violations = DescriptionSchema.MetaViolations();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
