using System.Text.Json;

namespace EtcdForge.Configuration;

// The line of every property and array item of a JSON file, by path ("key.algo", "signing.profiles.server.usages[1]"),
// so a problem in a cfssl file can name its line as YAML problems do. JsonDocument keeps no positions.
internal static class JsonLines
{
    public static Dictionary<string, int> Of(byte[] json)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // Per open container: its path, and for arrays the next index.
        var stack = new Stack<(string Path, int Index, bool IsArray)>();
        string? property = null;
        var newlines = 0;
        var counted = 0;
        while (reader.Read())
        {
            var start = (int)reader.TokenStartIndex;
            newlines += json.AsSpan(counted, start - counted).Count((byte)'\n');
            counted = start;
            var line = newlines + 1;
            string Here()
            {
                if (stack.Count == 0) return "";
                var (path, index, isArray) = stack.Pop();
                var here = isArray ? $"{path}[{index}]" : path.Length == 0 ? property! : $"{path}.{property}";
                stack.Push((path, isArray ? index + 1 : index, isArray));
                return here;
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    lines[stack.Peek().Path.Length == 0 ? property! : $"{stack.Peek().Path}.{property}"] = line;
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var path = Here();
                    lines.TryAdd(path, line);
                    stack.Push((path, 0, reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    stack.Pop();
                    break;
                default:
                    lines.TryAdd(Here(), line);
                    break;
            }
        }
        return lines;
    }

    public static int LineOf(IReadOnlyDictionary<string, int> lines, string path)
    {
        for (var p = path; ; p = p[..Math.Max(0, Math.Max(p.LastIndexOf('.'), p.LastIndexOf('[')))])
        {
            if (lines.TryGetValue(p, out var line)) return line;
            if (p.Length == 0) return 1;
        }
    }
}
