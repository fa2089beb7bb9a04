using System.Text.RegularExpressions;

namespace EtcdForge.Tests.Docs;

// The README stays a front page, and no relative link in it or in docs/ leads nowhere (a file, or a heading
// inside a Markdown file, as GitHub makes its anchors).
public sealed partial class DocLinkTests
{
    private const int ReadmeMaxLines = 250;

    [Fact]
    public void The_README_has_at_most_250_lines()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md")).Length;
        Assert.True(lines <= ReadmeMaxLines, $"README.md has {lines} lines; move detail to docs/ (at most {ReadmeMaxLines})");
    }

    private static readonly IReadOnlyList<string> Markdown =
        [.. Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Prepend(Path.Combine(RepoPaths.Root, "README.md"))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Documents() => [.. Markdown];

    [Fact]
    public void The_docs_the_README_promises_exist()
    {
        foreach (var doc in new[] { "docs/operations.md", "docs/reference.md", "docs/design.md", "docs/testing.md", "docs/benchmark.md", "docs/ci.md" })
        {
            Assert.Contains(doc, Markdown);
        }
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "LICENSE")));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "CHANGELOG.md")));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_resolves(string document)
    {
        var path = Path.Combine(RepoPaths.Root, document);
        var links = Link().Matches(WithoutCode(File.ReadAllText(path))).Select(m => m.Groups[1].Value)
            .Where(l => !Scheme().IsMatch(l)).ToList();
        var broken = new List<string>();
        foreach (var link in links)
        {
            var (file, anchor) = link.IndexOf('#') is var hash and >= 0 ? (link[..hash], link[(hash + 1)..]) : (link, "");
            var target = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(target) && !Directory.Exists(target)) broken.Add($"{link}: no such file");
            else if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !AnchorsOf(target).Contains(anchor))
                broken.Add($"{link}: no heading with anchor #{anchor} in {Path.GetFileName(target)}");
        }
        Assert.True(links.Count > 0 || document != "README.md", "README.md links nowhere: the link check would prove nothing");
        Assert.True(broken.Count == 0, $"{document}:\n{string.Join("\n", broken)}");
    }

    // GitHub's anchors: the heading's text in lower case, without punctuation except '-' and '_', spaces as '-'.
    private static HashSet<string> AnchorsOf(string markdown) =>
        [.. WithoutCode(File.ReadAllText(markdown)).Split('\n').Select(l => Heading().Match(l)).Where(m => m.Success)
            .Select(m => Punctuation().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))];

    // Fenced blocks hold shell comments and YAML, not headings or links; inline code is not a link either.
    private static string WithoutCode(string markdown) => InlineCode().Replace(Fenced().Replace(markdown, ""), "``");

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6} (.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex Punctuation();

    [GeneratedRegex("^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fenced();

    [GeneratedRegex("`[^`\n]*`")]
    private static partial Regex InlineCode();
}
