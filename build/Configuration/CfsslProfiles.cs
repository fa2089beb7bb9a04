using System.Text.Json;

namespace EtcdForge.Configuration;

// Honours the ca-csr.json / ca-config.json pair that users of the cfssl recipe already have, when both
// sit next to the cluster description.
public sealed record CfsslProfiles(
    string Source,
    Subject? CaSubject,
    string? KeyAlgorithm,
    string? CaExpiry,
    IReadOnlyDictionary<string, (string? Expiry, IReadOnlyList<string>? Usages)> Profiles,
    string? DefaultExpiry,
    IReadOnlyList<ConfigProblem> Problems)
{
    public const string CsrFile = "ca-csr.json";
    public const string ConfigFile = "ca-config.json";

    public static CfsslProfiles? TryLoad(string directory)
    {
        var csrPath = Path.Combine(directory, CsrFile);
        var configPath = Path.Combine(directory, ConfigFile);
        if (!File.Exists(csrPath) && !File.Exists(configPath)) return null;
        var problems = new List<ConfigProblem>();
        if (!File.Exists(csrPath) || !File.Exists(configPath))
        {
            var missing = File.Exists(csrPath) ? configPath : csrPath;
            problems.Add(new ConfigProblem(missing, 1, "", $"cfssl files come in pairs: add {Path.GetFileName(missing)} or remove its partner"));
            return new CfsslProfiles(directory, null, null, null, new Dictionary<string, (string?, IReadOnlyList<string>?)>(), null, problems);
        }

        Subject? subject = null;
        string? algorithm = null, caExpiry = null, defaultExpiry = null;
        var profiles = new Dictionary<string, (string?, IReadOnlyList<string>?)>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var csr = JsonDocument.Parse(File.ReadAllText(csrPath));
            var root = csr.RootElement;
            var cn = Str(root, "CN") ?? "";
            var names = root.TryGetProperty("names", out var n) && n.ValueKind == JsonValueKind.Array && n.GetArrayLength() > 0
                ? n[0] : default;
            subject = new Subject(cn, Str(names, "O"), Str(names, "OU"), Str(names, "C"), Str(names, "L"), Str(names, "ST"));
            if (root.TryGetProperty("key", out var key))
            {
                var algo = Str(key, "algo");
                var size = key.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : 0;
                algorithm = (algo, size) switch
                {
                    ("ecdsa", 256) => "ecdsa-p256",
                    ("ecdsa", 384) => "ecdsa-p384",
                    ("rsa", 2048) => "rsa-2048",
                    ("rsa", 4096) => "rsa-4096",
                    _ => $"{algo}-{size}",
                };
            }
            if (root.TryGetProperty("ca", out var ca)) caExpiry = Str(ca, "expiry");
        }
        catch (JsonException ex)
        {
            problems.Add(new ConfigProblem(csrPath, (int)(ex.LineNumber ?? 0) + 1, "", NotJson(ex)));
        }
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(configPath));
            if (config.RootElement.TryGetProperty("signing", out var signing))
            {
                if (signing.TryGetProperty("default", out var d)) defaultExpiry = Str(d, "expiry");
                if (signing.TryGetProperty("profiles", out var ps) && ps.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in ps.EnumerateObject())
                    {
                        var usages = p.Value.TryGetProperty("usages", out var u) && u.ValueKind == JsonValueKind.Array
                            ? u.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                            : null;
                        profiles[p.Name] = (Str(p.Value, "expiry"), usages);
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            problems.Add(new ConfigProblem(configPath, (int)(ex.LineNumber ?? 0) + 1, "", NotJson(ex)));
        }
        return new CfsslProfiles(directory, subject, algorithm, caExpiry, profiles, defaultExpiry, problems);
    }

    // System.Text.Json appends its own zero-based "LineNumber: 1 | BytePositionInLine: 0." to the reason;
    // the problem already carries the (one-based) line.
    private static string NotJson(JsonException ex) =>
        $"not valid JSON: {ex.Message.Split(" LineNumber:")[0].TrimEnd('.', ' ')}; fix it or remove the cfssl files to use the pki section";

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
