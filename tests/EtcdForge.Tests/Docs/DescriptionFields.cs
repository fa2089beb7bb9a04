using System.Collections;
using System.Reflection;
using EtcdForge.Configuration;
using YamlDotNet.Serialization.NamingConventions;

namespace EtcdForge.Tests.Docs;

// Every field a cluster description may hold, read by reflection from the model the loader binds (ClusterConfig)
// with the loader's own naming convention: a field added to the model is a field the docs and the schema must
// describe, with no list here to forget to update. Paths are spelled as docs/reference.md spells them:
// "nodes[].connection.keyFile".
public static class DescriptionFields
{
    /// <param name="Default">the model's default for a scalar field (null when it has none or is not a scalar).</param>
    /// <param name="IsValue">a value a user writes (a scalar, a list of scalars or a mapping of flags), as opposed to a
    /// section or a list of sections, which are described through their own fields.</param>
    public sealed record Field(string Path, Type Type, bool IsValue, bool IsScalar, object? Default);

    public static IReadOnlyList<Field> All { get; } = [.. Walk(new ClusterConfig(), "")];

    private static IEnumerable<Field> Walk(object model, string prefix)
    {
        foreach (var property in model.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var path = prefix + CamelCaseNamingConvention.Instance.Apply(property.Name);
            var type = property.PropertyType;
            var value = property.GetValue(model);
            var element = ElementOf(type);
            if (IsScalar(type) || IsMap(type))
            {
                yield return new Field(path, type, IsValue: true, IsScalar(type), IsScalar(type) ? value : null);
            }
            else if (element is not null)
            {
                yield return new Field(path, type, IsValue: IsScalar(element), IsScalar: false, null);
                if (IsScalar(element)) continue;
                foreach (var field in Walk(Activator.CreateInstance(element)!, path + "[].")) yield return field;
            }
            else
            {
                yield return new Field(path, type, IsValue: false, IsScalar: false, null);
                foreach (var field in Walk(value ?? Activator.CreateInstance(type)!, path + ".")) yield return field;
            }
        }
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string);
    }

    private static bool IsMap(Type type) => typeof(IDictionary).IsAssignableFrom(type)
        || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private static Type? ElementOf(Type type) =>
        type != typeof(string) && !IsMap(type) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetGenericArguments()[0]
            : null;
}
