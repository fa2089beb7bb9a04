using System.Text.RegularExpressions;
using Cake.Frosting;
using EtcdForge.CommandLine;

namespace EtcdForge.Tests.Docs;

// An option the host accepts must be in docs/reference.md's options table. The options come from the lists --help
// prints (the host's and etcd-forge's), so adding one fails this test until the reference describes it.
public sealed partial class OptionDocsTests
{
    [Fact]
    public void Every_option_help_lists_is_in_the_reference()
    {
        var reference = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "reference.md"));
        var rows = reference.Split('\n').Where(l => l.StartsWith("| `--", StringComparison.Ordinal)).ToList();
        var names = HostOptions.Meanings.Concat(ForgeOptions.Meanings).Select(o => OptionName().Match(o.Syntax).Value).ToList();
        Assert.True(names.Count >= 18, $"only {names.Count} options found: {string.Join(", ", names)}");

        var missing = names.Where(n => !rows.Any(r => Regex.IsMatch(r, $@"^\|[^|]*`{Regex.Escape(n)}[`=]"))).ToList();

        Assert.True(missing.Count == 0, $"docs/reference.md's options table has no row for: {string.Join(", ", missing)} (| `--name...` | meaning |)");
    }

    [GeneratedRegex("^--[a-z-]+")]
    private static partial Regex OptionName();
}
