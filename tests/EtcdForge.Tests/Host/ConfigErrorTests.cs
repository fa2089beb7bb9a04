
namespace EtcdForge.Tests.Host;

// A broken cluster description stops the host before any task: "file:line: field: message", nothing written.
[Collection(HostCollection.Name)]
public sealed class ConfigErrorTests : IDisposable
{
    private readonly TempDir _scratch = new();
    private string Artifacts => _scratch.Combine("artifacts");
    private static readonly string[] DefaultConfig = File.ReadAllLines(RepoPaths.Config("cluster.yaml"));

    // The default config with one line replaced (or followed by an extra line); returns the file and that line's number.
    private (string Path, int Line) ConfigWith(string find, string replacement, bool insertAfter = false)
    {
        var lines = DefaultConfig.ToList();
        var index = lines.FindIndex(l => l == find);
        Assert.True(index >= 0, $"config/cluster.yaml has no line '{find}'");
        if (insertAfter) lines.Insert(++index, replacement);
        else lines[index] = replacement;
        return (_scratch.File("cluster.yaml", string.Join('\n', lines) + "\n"), index + 1);
    }

    [Fact]
    public void Unknown_key_names_file_line_and_field() =>
        OneLineNamingFileLineAndField("  token: etcd-forge-sandbox", "  colour: blue", insertAfter: true, "cluster.colour: unknown key 'colour'");

    [Fact]
    public void Duplicate_node_names_file_line_and_field() =>
        OneLineNamingFileLineAndField("  - name: etcd2", "  - name: etcd1", insertAfter: false, "nodes[1].name: node name 'etcd1' is used twice");

    // The edited description fails Package with one line "FILE:LINE: FIELD: what", and writes no artifact.
    private void OneLineNamingFileLineAndField(string find, string replacement, bool insertAfter, string fieldAndMessage)
    {
        var (config, line) = ConfigWith(find, replacement, insertAfter);

        var run = ForgeProcess.Run($"--config={config}", "--target=Package", $"--artifacts={Artifacts}");

        var error = HostAssert.OneLineError(run);
        Assert.Contains($"{config}:{line}: {fieldAndMessage}", error);
        HostAssert.Empty(Artifacts);
    }

    [Fact]
    public void Several_problems_are_reported_together_one_per_line()
    {
        var (config, _) = ConfigWith("  - name: etcd3", "  - name: etcd1");
        var lines = File.ReadAllLines(config).ToList();
        var address = lines.FindIndex(l => l == "    address: 127.0.0.12");
        lines[address] = "    address: not-an-address";
        File.WriteAllLines(config, lines);

        var run = ForgeProcess.Run($"--config={config}", "--dryrun", $"--artifacts={Artifacts}");

        HostAssert.Failed(run);
        Assert.True(run.ErrorLines.Count >= 2, run.ToString());
        Assert.All(run.ErrorLines, l => Assert.Matches($@"^(Error: )?{System.Text.RegularExpressions.Regex.Escape(config)}:\d+: [\w\[\].]+: ", l));
        HostAssert.Empty(Artifacts);
    }

    public void Dispose() => _scratch.Dispose();
}
