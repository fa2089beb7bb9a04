using System.Collections;
using System.Reflection;
using EtcdForge.Configuration;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization.NamingConventions;

namespace EtcdForge.Tests.BadInput;

// Every field of the schema, and every kind of list item, left empty (null) in an otherwise valid description,
// through the real host. The fields come from the model (ClusterConfig) by reflection, so a field added later is
// covered without touching this test. A field the model declares optional (string?) may be null: the run then
// goes on or fails with the usual one line; any other field must be refused with one line naming its line.
public sealed class NullFieldCorpusTests : IDisposable
{
    // Every field spelled out, block style, so each has a line of its own. Nothing is started (127.0.21.x).
    private const string Complete = """
        cluster:
          name: nulls
          token: nulls-token
        etcd:
          version: 3.4.23
          downloadUrl: http://127.0.21.1:9/releases
          sha256: 0000000000000000000000000000000000000000000000000000000000000000
          archive: etcd.tar.gz
          distributionFallback: false
          clientPort: 2379
          peerPort: 2380
          dataDir: /var/lib/etcd
          heartbeatIntervalMs: 100
          electionTimeoutMs: 1000
          snapshotCount: 10000
          quotaBackendBytes: 2147483648
          autoCompactionRetention: "1"
          extraFlags:
            log-level: info
        pki:
          keyAlgorithm: ecdsa-p256
          ca:
            commonName: nulls CA
            organization: Example
            organizationalUnit: Ops
            country: DE
            locality: Berlin
            state: Berlin
            validity: 87600h
          certValidity: 8760h
          renewBefore: 720h
          clients:
            - name: client
              commonName: root
              organization: system
        backup:
          keep: 7
        nodes:
          - name: etcd1
            address: 127.0.21.11
            hostnames:
              - etcd1.local
            extraSans:
              - etcd.local
            service: process
            extraFlags:
              log-level: warn
            connection:
              type: ssh
              user: root
              port: 22
              keyFile: keys/id_ed25519
              hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
              knownHosts: known_hosts

        """;

    private const string MapEntry = "log-level";
    private static readonly NullabilityInfoContext Nullability = new();
    private readonly TempDir _scratch = new();

    // (path in the description, whether the model lets it be null)
    public static TheoryData<string, bool> Fields
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var (path, nullable) in Walk(typeof(ClusterConfig), "")) data.Add(path, nullable);
            return data;
        }
    }

    [Fact]
    public void The_complete_description_is_valid_and_spells_out_every_field()
    {
        var run = Run(Complete);
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var (path, _) in Walk(typeof(ClusterConfig), "")) Assert.NotNull(Find(Load(Complete), path));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_null_field_is_refused_in_one_line_or_taken_as_not_set(string path, bool nullable)
    {
        var stream = Load(Complete);
        var (parent, key) = Find(stream, path) ?? throw new InvalidOperationException($"{path} is not in the complete description");
        var empty = new YamlScalarNode("~") { Style = YamlDotNet.Core.ScalarStyle.Plain };
        if (parent is YamlMappingNode map) map.Children[key] = empty;
        else ((YamlSequenceNode)parent).Children[int.Parse(((YamlScalarNode)key).Value!)] = empty;
        var text = Save(stream);

        var run = Run(text);

        if (nullable && run.ExitCode == 0) return; // an optional field left out
        var error = ErrorContract.OneLine(run);
        if (nullable) return; // e.g. connection.user: optional in the model, required for ssh, said in one line
        var line = LineOf(text, path);
        Assert.True(error.StartsWith($"{_scratch.Combine("cluster.yaml")}:{line}: {path}: ", StringComparison.Ordinal), $"expected line {line} and field {path}:\n{run}");
        ErrorContract.Says(error, run, path.EndsWith(']') ? "is an empty item" : "has no value");
        Assert.Empty(DirSnapshot.Of(_scratch.Combine("artifacts")).Files);
    }

    private ForgeResult Run(string text)
    {
        _scratch.File("keys/id_ed25519", "only existence and readability are checked before a task runs\n");
        _scratch.File("known_hosts", "");
        _scratch.File("etcd.tar.gz", "only existence is checked before a task runs\n");
        var config = _scratch.File("cluster.yaml", text);
        return ForgeProcess.Run($"--config={config}", "--dryrun", $"--artifacts={_scratch.Combine("artifacts")}");
    }

    // Every property path of the model; for lists also the first item ("nodes[0]"), whose own fields follow.
    private static IEnumerable<(string Path, bool Nullable)> Walk(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var path = (prefix.Length == 0 ? "" : prefix + ".") + CamelCaseNamingConvention.Instance.Apply(property.Name);
            var info = Nullability.Create(property);
            yield return (path, info.WriteState == NullabilityState.Nullable);
            var t = property.PropertyType;
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                // A map has no fixed keys: its entry is the one the complete description spells out.
                yield return ($"{path}.{MapEntry}", false);
            }
            else if (t != typeof(string) && t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t))
            {
                var element = t.GetGenericArguments()[0];
                yield return ($"{path}[0]", info.GenericTypeArguments[0].ReadState == NullabilityState.Nullable);
                if (element.IsClass && element != typeof(string)) foreach (var inner in Walk(element, $"{path}[0]")) yield return inner;
            }
            else if (t.IsClass && t != typeof(string))
            {
                foreach (var inner in Walk(t, path)) yield return inner;
            }
        }
    }

    private static YamlStream Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream;
    }

    private static string Save(YamlStream stream)
    {
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    // The node holding the field and the key (or index) of the field in it.
    private static (YamlNode Parent, YamlNode Key)? Find(YamlStream stream, string path)
    {
        YamlNode node = stream.Documents[0].RootNode;
        YamlNode? parent = null, key = null;
        foreach (var part in path.Split('.'))
        {
            var name = part.Split('[')[0];
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(name), out var child)) return null;
            (parent, key, node) = (map, new YamlScalarNode(name), child);
            if (part.Contains('['))
            {
                var index = int.Parse(part[(part.IndexOf('[') + 1)..^1]);
                if (node is not YamlSequenceNode seq || seq.Children.Count <= index) return null;
                (parent, key, node) = (seq, new YamlScalarNode(index.ToString()), seq.Children[index]);
            }
        }
        return parent is null ? null : (parent, key!);
    }

    // The line of the emptied field: its key's line in a mapping, the item's own line in a list.
    private static int LineOf(string text, string path)
    {
        var stream = Load(text);
        var (parent, key) = Find(stream, path)!.Value;
        return parent is YamlMappingNode map
            ? (int)map.Children.Keys.First(k => k.Equals(key)).Start.Line
            : (int)((YamlSequenceNode)parent).Children[int.Parse(((YamlScalarNode)key).Value!)].Start.Line;
    }

    public void Dispose() => _scratch.Dispose();
}
