using System.Collections;
using System.Globalization;
using System.Reflection;
using EtcdForge.Spelling;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization.NamingConventions;

namespace EtcdForge.Configuration;

// Walks the YAML tree against the typed model before deserializing, so that every unknown key and every
// value of the wrong type is reported with its line, and so later checks can point at a field's line.
internal sealed class YamlShape
{
    private static readonly NullabilityInfoContext Nullability = new();
    private readonly string _file;
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    public List<ConfigProblem> Problems { get; } = [];

    private YamlShape(string file) => _file = file;

    public static YamlShape Check(string file, YamlNode root, Type model)
    {
        var shape = new YamlShape(file);
        shape.Walk(root, model, "", mayBeNull: false);
        return shape;
    }

    public int LineOf(string path)
    {
        // Fall back to the nearest enclosing field that the file does spell out.
        for (var p = path; ; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line)) return line;
            if (p.Length == 0) return 1;
        }
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    // mayBeNull: the model declares the field nullable (string?, int?), so null means "not set". Any other
    // field left empty would reach the code as null; it is refused here with its line instead.
    private void Walk(YamlNode node, Type type, string path, bool mayBeNull, NullabilityInfo? elements = null)
    {
        _lines[path] = (int)node.Start.Line;
        if (IsNull(node) && !mayBeNull)
        {
            var what = IsScalarType(type) ? $"a {Describe(Nullable.GetUnderlyingType(type) ?? type)}" : ElementType(type) is not null ? "a list" : "a mapping";
            Problem(node, path, path.EndsWith(']')
                ? $"is an empty item; give it {what} or delete the item"
                : $"has no value; give it {what} or delete the line to use the default");
            return;
        }
        if (IsMap(type))
        {
            if (node is YamlMappingNode entries) WalkMap(entries, path);
            else if (!IsNull(node)) Problem(node, path, "expected a mapping of names to values (name: value per line)");
            return;
        }
        var element = ElementType(type);
        if (element is not null)
        {
            if (node is YamlSequenceNode seq)
            {
                var itemMayBeNull = elements?.GenericTypeArguments is [{ ReadState: NullabilityState.Nullable }];
                for (var i = 0; i < seq.Children.Count; i++) Walk(seq.Children[i], element, $"{path}[{i}]", itemMayBeNull);
            }
            else if (!IsNull(node))
            {
                Problem(node, path, "expected a list (- item per line)");
            }
            return;
        }
        if (IsScalarType(type))
        {
            CheckScalar(node, type, path);
            return;
        }
        if (node is not YamlMappingNode map)
        {
            if (!IsNull(node))
            {
                Problem(node, path, path.Length == 0
                    ? "expected a mapping with cluster, etcd, pki and nodes at the top; see config/cluster.yaml"
                    : "expected a mapping of keys to values");
            }
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => CamelCaseNamingConvention.Instance.Apply(p.Name), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!seen.Add(key))
            {
                Problem(keyNode, childPath, "key appears twice");
                continue;
            }
            if (!properties.TryGetValue(key, out var property))
            {
                var hint = ClosestName.Among(key, properties.Keys) is { } guess ? $" (did you mean '{guess}'?)" : "";
                Problem(keyNode, childPath, $"unknown key '{key}'{hint}; allowed here: {string.Join(", ", properties.Keys)}");
                continue;
            }
            var nullability = Nullability.Create(property);
            Walk(value, property.PropertyType, childPath, nullability.WriteState == NullabilityState.Nullable, nullability);
            _lines[childPath] = (int)keyNode.Start.Line;
        }
    }

    // A map of names the model cannot know in advance (etcd's flags) to single values of any scalar type: the
    // names are checked by whoever knows them, the values by whoever knows their types (see ClusterValidator).
    private void WalkMap(YamlMappingNode map, string path)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var childPath = $"{path}.{key}";
            if (_lines.ContainsKey(childPath))
            {
                Problem(keyNode, childPath, "key appears twice");
                continue;
            }
            _lines[childPath] = (int)keyNode.Start.Line;
            if (value is not YamlScalarNode) Problem(value, childPath, "expected a single value (text, a number or true/false), not a list or mapping");
            else if (IsNull(value)) Problem(value, childPath, "has no value; give it one or delete the line");
        }
    }

    private void CheckScalar(YamlNode node, Type type, string path)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (node is not YamlScalarNode scalar)
        {
            Problem(node, path, $"expected a single {Describe(target)}, not a list or mapping");
            return;
        }
        if (IsNull(node)) return;
        var text = scalar.Value ?? "";
        var ok = target == typeof(string)
            || (target == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            || (target == typeof(long) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            || (target == typeof(bool) && text is "true" or "false");
        if (!ok) Problem(node, path, $"'{text}' is not a {Describe(target)}");
    }

    private void Problem(YamlNode node, string path, string message) =>
        Problems.Add(new ConfigProblem(_file, (int)node.Start.Line, path, message));

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain };

    private static bool IsMap(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    private static Type? ElementType(Type type) =>
        type != typeof(string) && !IsMap(type) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetGenericArguments()[0]
            : null;

    private static bool IsScalarType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t == typeof(string);
    }

    private static string Describe(Type type) =>
        type == typeof(bool) ? "true/false value" : type == typeof(string) ? "text value" : "whole number";
}
