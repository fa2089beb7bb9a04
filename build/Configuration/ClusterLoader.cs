using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EtcdForge.Configuration;

// Reads a cluster description, checks its shape and meaning, and returns the validated Cluster.
// Every problem found is reported at once, each with file, line and field.
public static class ClusterLoader
{
    public sealed record Result(Cluster Cluster, IReadOnlyList<ConfigProblem> Warnings);

    public static Result Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ForgeError($"{path} is a directory; pass --config=FILE with the cluster description file (e.g. config/cluster.yaml)");
        }
        if (!File.Exists(path))
        {
            throw new ForgeError($"{path}: cluster description not found; pass --config=FILE with a file from config/");
        }
        var text = File.ReadAllText(path);
        var stream = new YamlStream();
        try
        {
            // YamlStream builds its tree recursively: 100,000 nested [ would overflow the stack, which no
            // handler can catch. The parser alone walks events without recursion, so the depth is checked first.
            CheckDepth(path, text);
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            // Start is where the token began (an opening quote); End is where the parser gave up (a stray tab).
            var found = ex.End.Line != ex.Start.Line ? $" on line {ex.End.Line}" : "";
            throw new ConfigError([new ConfigProblem(path, (int)ex.Start.Line, "",
                $"malformed YAML: {Inner(ex).Message.TrimEnd('.')}{found}; check the indentation, quoting and repeated keys around this line")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up without a position on some unterminated flow collections.
            throw new ConfigError([new ConfigProblem(path, UnclosedFlowLine(text), "",
                "malformed YAML: an unterminated [ ] or { } list or an unclosed quote; close it on this line")]);
        }
        if (stream.Documents.Count == 0)
        {
            throw new ConfigError([new ConfigProblem(path, 1, "", "the file is empty; see config/cluster.yaml for an example")]);
        }
        var shape = YamlShape.Check(path, stream.Documents[0].RootNode, typeof(ClusterConfig));
        if (shape.Problems.Count > 0) throw new ConfigError(shape.Problems);

        ClusterConfig raw;
        try
        {
            raw = new DeserializerBuilder()
                .WithNamingConvention(CamelCaseNamingConvention.Instance)
                .Build()
                .Deserialize<ClusterConfig>(text) ?? new ClusterConfig();
        }
        catch (YamlException ex)
        {
            throw new ConfigError([new ConfigProblem(path, (int)ex.Start.Line, "", Inner(ex).Message)]);
        }
        var cfssl = CfsslProfiles.TryLoad(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // A value of the wrong type is left out of the profiles; checking the rest would blame its absence too.
        if (cfssl?.Problems.Count > 0) throw new ConfigError(cfssl.Problems);
        return new ClusterValidator(path, shape, cfssl).Validate(raw);
    }

    // Far deeper than any description needs (the schema nests four levels), far shallower than the stack allows.
    private const int MaxDepth = 20;

    private static void CheckDepth(string path, string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is MappingStart or SequenceStart && ++depth > MaxDepth)
            {
                throw new ConfigError([new ConfigProblem(path, (int)parser.Current.Start.Line, "",
                    $"lists and mappings are nested more than {MaxDepth} deep here; a cluster description nests at most 4, see config/cluster.yaml")]);
            }
            if (parser.Current is MappingEnd or SequenceEnd) depth--;
        }
    }

    // The line that opened the first [ or { still open at the end of the file (ignoring comments), else 1.
    private static int UnclosedFlowLine(string text)
    {
        var lines = text.Split('\n');
        int depth = 0, opened = 1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var comment = line.IndexOf(" #", StringComparison.Ordinal);
            if (line.TrimStart().StartsWith('#')) continue;
            foreach (var c in comment >= 0 ? line[..comment] : line)
            {
                if (c is '[' or '{' && depth++ == 0) opened = i + 1;
                else if (c is ']' or '}' && depth > 0) depth--;
            }
        }
        return depth > 0 ? opened : 1;
    }

    private static Exception Inner(Exception ex) => ex.InnerException is { } inner ? Inner(inner) : ex;
}
