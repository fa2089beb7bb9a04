using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EtcdForge.Tests.Design;

// Which top-level folder namespace of build/ uses which, as the C# compiler binds it: build/**/*.cs compiled with
// Roslyn against the assemblies the host itself references (the test's output folder holds them) and the platform's.
public sealed class DependencyGraph
{
    public const string Root = "EtcdForge";

    // The SDK's implicit usings for Microsoft.NET.Sdk (ImplicitUsings=enable in Directory.Build.props); the project's
    // own <Using> items are read from Build.csproj.
    private static readonly string[] SdkUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    // The host's own assembly and this one hold the same types as the sources: referencing them would make every name ambiguous.
    private static readonly string[] CompiledFromTheseSources = ["etcd-forge.dll", "EtcdForge.Tests.dll"];

    // [GeneratedRegex] methods have their bodies written by the SDK's source generator, which this compilation does
    // not run; the bodies live beside the declaration, in the same namespace, so no edge is missed without them.
    private const string WithoutGeneratedRegex = "CS8795";
    private const string UnnecessaryUsing = "CS8019";

    public sealed record Edge(string From, string To, string Example, int Uses)
    {
        public override string ToString() => $"{From} -> {To}: {Example}{(Uses > 1 ? $" (and {Uses - 1} more use(s))" : "")}";
    }

    public sealed record RootType(string Name, string? BaseName, string File);

    public IReadOnlyList<string> Errors { get; }
    /// <summary>Using directives nothing in their file needs: they read as dependencies that are not there.</summary>
    public IReadOnlyList<string> UnusedUsings { get; }
    public int Files { get; }
    public IReadOnlyList<Edge> Edges { get; }
    public IReadOnlyList<RootType> RootTypes { get; }

    private DependencyGraph(IReadOnlyList<string> errors, IReadOnlyList<string> unusedUsings, int files, IReadOnlyList<Edge> edges, IReadOnlyList<RootType> rootTypes)
    {
        Errors = errors;
        UnusedUsings = unusedUsings;
        Files = files;
        Edges = edges;
        RootTypes = rootTypes;
    }

    public static DependencyGraph Build(string buildDir)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var sources = Directory.EnumerateFiles(buildDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsOutput(buildDir, f))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, Path.GetRelativePath(Path.GetDirectoryName(buildDir)!, f)))
            .ToList();
        var globalUsings = CSharpSyntaxTree.ParseText(
            string.Concat(SdkUsings.Concat(ProjectUsings(Path.Combine(buildDir, "Build.csproj"))).Select(u => $"global using global::{u};\n")), options);
        var compilation = CSharpCompilation.Create("etcd-forge", [.. sources, globalUsings], References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        var diagnostics = compilation.GetDiagnostics();
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != WithoutGeneratedRegex).Select(d => d.ToString()).ToList();
        var unusedUsings = diagnostics.Where(d => d.Id == UnnecessaryUsing && d.Location.SourceTree != globalUsings)
            .Select(d => $"{d.Location.SourceTree!.GetText().GetSubText(d.Location.SourceSpan)} at {d.Location.SourceTree.FilePath}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}")
            .ToList();

        var uses = new Dictionary<(string From, string To), (string Example, int Uses)>();
        foreach (var tree in sources)
        {
            var model = compilation.GetSemanticModel(tree);
            var root = tree.GetRoot();
            var from = NodeOf(root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString() ?? "");
            foreach (var syntax in root.DescendantNodes(n => n is not UsingDirectiveSyntax))
            {
                if (UsedType(model, syntax) is not { } type || !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly)) continue;
                var to = NodeOf(type.ContainingNamespace.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)));
                if (to == from) continue;
                var line = syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                uses[(from, to)] = uses.TryGetValue((from, to), out var seen)
                    ? (seen.Example, seen.Uses + 1)
                    : ($"{type.Name} at {tree.FilePath}:{line}", 1);
            }
        }
        var edges = uses.Select(u => new Edge(u.Key.From, u.Key.To, u.Value.Example, u.Value.Uses))
            .OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList();
        return new DependencyGraph(errors, unusedUsings, sources.Count, edges, RootTypesOf(compilation));
    }

    /// <summary>Each group of folders that reach each other, as one shortest cycle through it with an example use per
    /// edge, then every edge inside the group, the least used first (those are usually the ones to cut).</summary>
    public IReadOnlyList<string> Cycles()
    {
        var next = Edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.ToList());
        return StronglyConnected(Edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal).ToList(), next)
            .Where(group => group.Count > 1)
            .Select(group =>
            {
                var inside = Edges.Where(e => group.Contains(e.From) && group.Contains(e.To)).ToList();
                var cycle = ShortestCycle(group.Min(StringComparer.Ordinal)!, inside);
                return $"cycle {string.Join(" -> ", cycle.Select(e => e.From).Append(cycle[0].From))}\n"
                       + string.Concat(cycle.Select(e => $"    {e}\n"))
                       + $"  all {inside.Count} edges among {string.Join(", ", group.Order(StringComparer.Ordinal))}, least used first:\n"
                       + string.Concat(inside.OrderBy(e => e.Uses).Select(e => $"    {e}\n"));
            })
            .ToList();
    }

    /// <summary>The folders by height, top first: a folder's line is one above the highest folder it uses (only on an
    /// acyclic graph), so each line uses only lines below it.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Heights()
    {
        var height = new Dictionary<string, int>();
        int HeightOf(string node) => height.TryGetValue(node, out var known) ? known
            : height[node] = Edges.Where(e => e.From == node).Select(e => HeightOf(e.To) + 1).DefaultIfEmpty(0).Max();
        foreach (var node in Edges.SelectMany(e => new[] { e.From, e.To })) HeightOf(node);
        return height.GroupBy(h => h.Value).OrderByDescending(g => g.Key)
            .Select(g => (IReadOnlyList<string>)g.Select(h => h.Key).Order(StringComparer.Ordinal).ToList()).ToList();
    }

    private static List<Edge> ShortestCycle(string start, List<Edge> edges)
    {
        var cameBy = new Dictionary<string, Edge>();
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var at))
        {
            foreach (var edge in edges.Where(e => e.From == at).OrderBy(e => e.To, StringComparer.Ordinal))
            {
                if (edge.To == start)
                {
                    var path = new List<Edge> { edge };
                    for (var back = at; back != start; back = cameBy[back].From) path.Insert(0, cameBy[back]);
                    return path;
                }
                if (cameBy.TryAdd(edge.To, edge)) queue.Enqueue(edge.To);
            }
        }
        throw new InvalidOperationException($"{start} is in a strongly connected group but no cycle returns to it");
    }

    // Tarjan's algorithm: the groups of nodes that all reach each other.
    private static List<HashSet<string>> StronglyConnected(List<string> nodes, Dictionary<string, List<Edge>> next)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var groups = new List<HashSet<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var edge in next.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(edge.To))
                {
                    Visit(edge.To);
                    low[node] = Math.Min(low[node], low[edge.To]);
                }
                else if (stack.Contains(edge.To)) low[node] = Math.Min(low[node], index[edge.To]);
            }
            if (low[node] != index[node]) return;
            var group = new HashSet<string>();
            string member;
            do group.Add(member = stack.Pop()); while (member != node);
            groups.Add(group);
        }
        foreach (var node in nodes.Where(n => !index.ContainsKey(n))) Visit(node);
        return groups;
    }

    // The type a piece of syntax names or reaches: a type, or the type that declares the member, constructor,
    // operator or extension method it binds to.
    private static INamedTypeSymbol? UsedType(SemanticModel model, SyntaxNode syntax)
    {
        var symbol = model.GetSymbolInfo(syntax).Symbol;
        if (symbol is IAliasSymbol alias) symbol = alias.Target;
        var type = symbol switch
        {
            IMethodSymbol { ReducedFrom: { } extension } => extension.ContainingType,
            ITypeSymbol t => Element(t),
            INamespaceSymbol => null,
            null => null,
            _ => symbol.ContainingType,
        };
        while (type?.ContainingType is { } outer) type = outer;
        // Anonymous types and delegates belong to no folder: the compiler puts them in the global namespace.
        return type is { IsAnonymousType: false, IsImplicitlyDeclared: false } ? type.OriginalDefinition : null;
    }

    private static INamedTypeSymbol? Element(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => Element(array.ElementType),
        IPointerTypeSymbol pointer => Element(pointer.PointedAtType),
        INamedTypeSymbol named => named,
        _ => null,
    };

    // EtcdForge.X.Y belongs to the folder EtcdForge.X; the root and the global namespace (Program's top-level
    // statements) are the host's wiring; any other namespace (the Frosting stand-in's Cake.Frosting) is its own node.
    private static string NodeOf(string ns)
    {
        if (ns.Length == 0 || ns == Root) return Root;
        var parts = ns.Split('.');
        return parts[0] == Root ? $"{Root}.{parts[1]}" : ns;
    }

    private static List<RootType> RootTypesOf(CSharpCompilation compilation)
    {
        var root = compilation.Assembly.GlobalNamespace.GetNamespaceMembers().Single(n => n.Name == Root);
        return root.GetTypeMembers().Concat(compilation.Assembly.GlobalNamespace.GetTypeMembers())
            .Where(t => t.Locations.Any(l => l.IsInSource))
            .Select(t => new RootType(t.Name, t.BaseType?.Name, t.Locations.First(l => l.IsInSource).SourceTree!.FilePath))
            .ToList();
    }

    private static IEnumerable<string> ProjectUsings(string project) =>
        XDocument.Load(project).Descendants("Using").Select(u => (string?)u.Attribute("Include")).OfType<string>();

    private static bool IsOutput(string buildDir, string file) =>
        Path.GetRelativePath(buildDir, file).Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj";

    // The platform's assemblies and the test's output folder (which holds the host's references); under the test
    // host the platform list names the output folder's assemblies too, so each file name is taken once.
    private static List<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(f => !CompiledFromTheseSources.Contains(Path.GetFileName(f), StringComparer.OrdinalIgnoreCase))
            .DistinctBy(f => Path.GetFileName(f), StringComparer.OrdinalIgnoreCase)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .ToList();
}
