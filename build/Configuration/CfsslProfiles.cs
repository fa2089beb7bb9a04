using System.Text.Json;

namespace EtcdForge.Configuration;

// Honours the ca-csr.json / ca-config.json pair that users of the cfssl recipe already have, when both
// sit next to the cluster description. Every value is checked for its JSON type here, so a mistake is
// reported at validation with its own file and line, not when a certificate is issued.
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

    // What cfssl gencert -initca gives a CA when ca-csr.json has no ca.expiry.
    public const string DefaultCaExpiry = "43800h";

    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Lines { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, int>>();

    /// <summary>The line of a field named "ca-csr.json key.algo" or "ca-config.json signing.default.expiry".</summary>
    public int LineOf(string field)
    {
        var space = field.IndexOf(' ');
        var (name, path) = space < 0 ? (field, "") : (field[..space], field[(space + 1)..]);
        return Lines.TryGetValue(name, out var lines) ? JsonLines.LineOf(lines, path) : 1;
    }

    public static CfsslProfiles? TryLoad(string directory)
    {
        var csrPath = Path.Combine(directory, CsrFile);
        var configPath = Path.Combine(directory, ConfigFile);
        bool There(string path) => File.Exists(path) || Directory.Exists(path);
        if (!There(csrPath) && !There(configPath)) return null;
        var reader = new Reader(directory);
        if (!There(csrPath) || !There(configPath))
        {
            var missing = There(csrPath) ? configPath : csrPath;
            reader.Problem(missing, "", $"cfssl files come in pairs: add {Path.GetFileName(missing)} or remove its partner");
            return reader.Result(null, null, null, null);
        }
        Subject? subject = null;
        string? algorithm = null, caExpiry = null, defaultExpiry = null;
        if (reader.Parse(csrPath) is { } csr)
        {
            using (csr)
            {
                var root = csr.RootElement;
                var cn = reader.Text(root, CsrFile, "CN", required: true) ?? "";
                var names = reader.Get(root, CsrFile, "names", JsonValueKind.Array) is { } list && list.GetArrayLength() > 0
                    ? reader.Get(list, CsrFile, "names[0]", JsonValueKind.Object, index: 0) ?? default
                    : default;
                string? Name(string part) => names.ValueKind == JsonValueKind.Object ? reader.Text(names, CsrFile, $"names[0].{part}") : null;
                subject = new Subject(cn, Name("O"), Name("OU"), Name("C"), Name("L"), Name("ST"));
                if (reader.Get(root, CsrFile, "key", JsonValueKind.Object) is { } key)
                {
                    var algo = reader.Text(key, CsrFile, "key.algo", required: true);
                    var size = reader.Get(key, CsrFile, "key.size", JsonValueKind.Number) is { } s && s.TryGetInt32(out var n) ? n : 0;
                    algorithm = (algo, size) switch
                    {
                        ("ecdsa", 256) => "ecdsa-p256",
                        ("ecdsa", 384) => "ecdsa-p384",
                        ("rsa", 2048) => "rsa-2048",
                        ("rsa", 4096) => "rsa-4096",
                        _ => $"{algo}-{size}",
                    };
                }
                if (reader.Get(root, CsrFile, "ca", JsonValueKind.Object) is { } ca) caExpiry = reader.Text(ca, CsrFile, "ca.expiry");
            }
        }
        var profiles = new Dictionary<string, (string?, IReadOnlyList<string>?)>(StringComparer.OrdinalIgnoreCase);
        if (reader.Parse(configPath) is { } config)
        {
            using (config)
            {
                if (reader.Get(config.RootElement, ConfigFile, "signing", JsonValueKind.Object, required: true) is { } signing)
                {
                    if (reader.Get(signing, ConfigFile, "signing.default", JsonValueKind.Object) is { } d)
                    {
                        defaultExpiry = reader.Text(d, ConfigFile, "signing.default.expiry");
                        reader.Usages(d, "signing.default");
                    }
                    if (reader.Get(signing, ConfigFile, "signing.profiles", JsonValueKind.Object) is { } ps)
                    {
                        foreach (var p in ps.EnumerateObject())
                        {
                            var path = $"signing.profiles.{p.Name}";
                            if (reader.Get(ps, ConfigFile, path, JsonValueKind.Object) is not { } profile) continue;
                            profiles[p.Name] = (reader.Text(profile, ConfigFile, $"{path}.expiry"), reader.Usages(profile, path));
                        }
                    }
                }
            }
        }
        return reader.Result(subject, algorithm, caExpiry, defaultExpiry) with { Profiles = profiles };
    }

    // Reads one pair of files, collecting every problem with its file, line and field.
    private sealed class Reader(string directory)
    {
        private readonly List<ConfigProblem> _problems = [];
        private readonly Dictionary<string, IReadOnlyDictionary<string, int>> _lines = new();

        public CfsslProfiles Result(Subject? subject, string? algorithm, string? caExpiry, string? defaultExpiry) =>
            new(directory, subject, algorithm, caExpiry, new Dictionary<string, (string?, IReadOnlyList<string>?)>(), defaultExpiry, _problems)
            {
                Lines = _lines,
            };

        public void Problem(string path, string field, string message, int line = 1) =>
            _problems.Add(new ConfigProblem(path, line, field, message));

        public JsonDocument? Parse(string path)
        {
            var name = Path.GetFileName(path);
            if (Directory.Exists(path))
            {
                Problem(path, "", "is a directory; put cfssl's JSON file here, or remove it to use the pki section");
                return null;
            }
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Problem(path, "", $"cannot be read ({ex.Message}); make it readable to you or remove the cfssl files");
                return null;
            }
            try
            {
                var document = JsonDocument.Parse(bytes);
                _lines[name] = JsonLines.Of(bytes);
                var kind = document.RootElement.ValueKind;
                if (kind == JsonValueKind.Object) return document;
                document.Dispose();
                Problem(path, "", $"holds {Kind(kind)}, not a JSON object; see cfssl's {name} format");
            }
            catch (JsonException ex)
            {
                Problem(path, "", NotJson(ex), (int)(ex.LineNumber ?? 0) + 1);
            }
            return null;
        }

        /// <returns>the value when it is there and of the kind expected; null (and a problem when it is there) otherwise.</returns>
        public JsonElement? Get(JsonElement parent, string file, string path, JsonValueKind kind, bool required = false, int? index = null)
        {
            JsonElement value;
            if (index is { } i) value = parent[i];
            else if (!parent.TryGetProperty(path[(path.LastIndexOf('.') + 1)..], out value))
            {
                if (required) Report(file, path, $"is missing: it needs {Kind(kind)}");
                return null;
            }
            if (value.ValueKind == kind) return value;
            Report(file, path, $"is {Kind(value.ValueKind)}; it needs {Kind(kind)}");
            return null;
        }

        public string? Text(JsonElement parent, string file, string path, bool required = false) =>
            Get(parent, file, path, JsonValueKind.String, required)?.GetString();

        public IReadOnlyList<string>? Usages(JsonElement profile, string path)
        {
            if (Get(profile, ConfigFile, $"{path}.usages", JsonValueKind.Array) is not { } list) return null;
            var usages = new List<string>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var here = $"{path}.usages[{i++}]";
                if (item.ValueKind != JsonValueKind.String) Report(ConfigFile, here, $"is {Kind(item.ValueKind)}; a usage is a text value like \"server auth\"");
                else if (!CertUsageWords.IsKnown(item.GetString()!)) Report(ConfigFile, here, $"\"{item.GetString()}\" is not a usage etcd-forge can issue; use {CertUsageWords.Known}");
                else usages.Add(item.GetString()!);
            }
            return usages;
        }

        private void Report(string file, string path, string message)
        {
            var line = _lines.TryGetValue(file, out var lines) ? JsonLines.LineOf(lines, path) : 1;
            Problem(Path.Combine(directory, file), $"{file} {path}", message, line);
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object { }",
        JsonValueKind.Array => "a list [ ]",
        JsonValueKind.String => "a text value in quotes",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };

    // System.Text.Json appends its own zero-based "LineNumber: 1 | BytePositionInLine: 0." to the reason;
    // the problem already carries the (one-based) line.
    private static string NotJson(JsonException ex) =>
        $"not valid JSON: {ex.Message.Split(" LineNumber:")[0].TrimEnd('.', ' ')}; fix it or remove the cfssl files to use the pki section";
}
