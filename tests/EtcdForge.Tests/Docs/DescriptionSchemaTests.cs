using EtcdForge.Configuration;

namespace EtcdForge.Tests.Docs;

// docs/cluster.schema.json against real descriptions: every file in config/ and config/examples/ is valid under it
// (checked with JsonSchema.Net) and loads with the real loader; broken descriptions are rejected by both.
public sealed class DescriptionSchemaTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly IReadOnlyList<string> Files = DescriptionFiles();

    public static TheoryData<string> Descriptions() => [.. Files];

    private static List<string> DescriptionFiles()
    {
        var config = Path.Combine(RepoPaths.Root, "config");
        return [.. Directory.GetFiles(config, "*.yaml").Concat(Directory.GetFiles(Path.Combine(config, "examples"), "*.yaml"))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f)).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Config_holds_the_examples_the_docs_promise()
    {
        // Guards the theory below against an empty folder, and the docs against a renamed example.
        foreach (var example in new[] { "config/cluster.yaml", "config/examples/three-hosts-ssh.yaml", "config/examples/five-members-ssh.yaml",
                     "config/examples/pinned-mirror.yaml", "config/examples/offline-archive.yaml", "config/examples/docker-sandbox.yaml",
                     "config/examples/ssh-docker.yaml" })
        {
            Assert.Contains(example, Files);
        }
    }

    [Theory]
    [MemberData(nameof(Descriptions))]
    public void A_shipped_description_is_valid_under_the_schema(string file)
    {
        var violations = DescriptionSchema.Violations(YamlAsJson.Read(File.ReadAllText(Path.Combine(RepoPaths.Root, file))));
        Assert.True(violations.Count == 0, $"{file}:\n{string.Join("\n", violations)}");
    }

    // The examples name ~/.ssh files and an archive beside the description, as a user's would: the loader checks
    // that they exist. The host runs with HOME set to a scratch home that has them (a key file's contents are read
    // only when a node is reached), so the real loader judges each example exactly as written.
    [Theory]
    [MemberData(nameof(Descriptions))]
    public void A_shipped_description_loads_with_the_real_loader(string file)
    {
        var home = _dir.Combine("home");
        _dir.File("home/.ssh/id_ed25519", "not read by the loader\n");
        _dir.File("home/.ssh/known_hosts", "");
        var copy = _dir.File(Path.Combine("descriptions", Path.GetFileName(file)), File.ReadAllText(Path.Combine(RepoPaths.Root, file)));
        _dir.File("descriptions/offline/etcd-v3.5.21-linux-amd64.tar.gz", "not read by the loader\n");

        var run = new ForgeProcess { Environment = new Dictionary<string, string?> { ["HOME"] = home } }
            .Start("--dryrun", $"--config={copy}", $"--artifacts={_dir.Combine("artifacts")}");

        Assert.True(run.ExitCode == 0, $"{file} does not load:\n{run}");
        Assert.DoesNotContain(run.Lines, l => l.Contains(": warning: ", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> Broken() => new()
    {
        { "an unknown key", "    hostnames: [etcd1.example.internal]", "    hostnmes: [etcd1.example.internal]" },
        { "a port that is not a number", "  clientPort: 2379", "  clientPort: two-three-seven-nine" },
        { "a port out of range", "  clientPort: 2379", "  clientPort: 70000" },
        { "an unsupported etcd version", "  version: 3.5.21", "  version: 3.3.27" },
        { "an unknown key algorithm", "  keyAlgorithm: ecdsa-p256", "  keyAlgorithm: dsa-1024" },
        { "a duration without a unit", "  certValidity: 8760h", "  certValidity: 8760" },
        { "a malformed host key", "      hostKey: \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "      hostKey: \"MD5:aa:bb:cc\"" },
        { "an unknown service", "    service: systemd", "    service: runit" },
        { "no backups kept", "  keep: 7", "  keep: 0" },
        { "a list where a value belongs", "  name: docs", "  name: [docs]" },
        { "a name with a slash", "  - name: etcd1", "  - name: etcd/1" },
    };

    private const string Valid = """
        cluster:
          name: docs
        etcd:
          version: 3.5.21
          clientPort: 2379
        backup:
          keep: 7
        pki:
          keyAlgorithm: ecdsa-p256
          certValidity: 8760h
        nodes:
          - name: etcd1
            address: 198.18.0.11
            hostnames: [etcd1.example.internal]
            service: systemd
            connection:
              type: ssh
              user: root
              keyFile: id_ed25519
              hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        """;

    [Fact]
    public void The_valid_base_of_the_broken_descriptions_passes_both()
    {
        Assert.Empty(DescriptionSchema.Violations(YamlAsJson.Read(Valid)));
        ClusterLoader.Load(Write(Valid));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_description_is_rejected_by_the_schema_and_the_loader(string what, string line, string broken)
    {
        Assert.Contains(line, Valid);
        var text = Valid.Replace(line, broken);

        Assert.True(DescriptionSchema.Violations(YamlAsJson.Read(text)).Count > 0, $"the schema accepts {what}:\n{text}");
        Assert.Throws<ConfigError>(() => ClusterLoader.Load(Write(text)));
    }

    [Fact]
    public void A_description_without_nodes_is_rejected_by_the_schema_and_the_loader()
    {
        var text = Valid[..Valid.IndexOf("nodes:", StringComparison.Ordinal)];

        Assert.Contains(DescriptionSchema.Violations(YamlAsJson.Read(text)), v => v.Contains("nodes", StringComparison.Ordinal));
        Assert.Throws<ConfigError>(() => ClusterLoader.Load(Write(text)));
    }

    private string Write(string text)
    {
        _dir.File("id_ed25519", "not read by the loader\n");
        return _dir.File("cluster.yaml", text);
    }
}
