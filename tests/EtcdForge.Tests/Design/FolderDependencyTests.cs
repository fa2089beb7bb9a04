namespace EtcdForge.Tests.Design;

// The folders of build/ depend on each other one way. Each top-level folder namespace (EtcdForge.X) is a node; a
// file in X that uses a type of Y is an edge X -> Y. The sources are compiled here with Roslyn, so an edge is what
// the compiler binds (types, members, extension methods, operators, constructors), including the parent namespace
// EtcdForge that nested namespaces see without a using - not a guess from using lines.
public sealed class FolderDependencyTests
{
    // The layers, top first: a folder uses only folders on the lines below its own (docs/design.md shows this list).
    // A new folder goes on the line above the highest folder it uses; the failure message shows where that is.
    private static readonly string[][] Layers =
    [
        ["EtcdForge.Tasks"],
        ["EtcdForge"], // the host's wiring: BuildContext, Program, the setup and teardowns
        ["EtcdForge.Planning"],
        ["EtcdForge.Membership", "EtcdForge.Upgrade"],
        ["EtcdForge.Backup", "EtcdForge.Deploy", "EtcdForge.SmokeTest"],
        ["EtcdForge.Services"],
        ["EtcdForge.Docker"],
        ["EtcdForge.Image"],
        ["EtcdForge.Packaging", "EtcdForge.Rotation", "EtcdForge.Verification"],
        ["EtcdForge.EtcdFlags"],
        ["EtcdForge.Certificates", "EtcdForge.Download"],
        ["EtcdForge.Nodes", "EtcdForge.Reporting"],
        ["EtcdForge.Client", "EtcdForge.CommandLine", "EtcdForge.Pki", "EtcdForge.Remote"],
        ["EtcdForge.Configuration"],
        ["EtcdForge.Artifacts", "EtcdForge.Commands"],
        ["EtcdForge.Errors", "EtcdForge.Spelling", "Cake.Frosting"], // Cake.Frosting: the host's stand-in for the engine
    ];

    private static readonly Lazy<DependencyGraph> Graph = new(() => DependencyGraph.Build(Path.Combine(RepoPaths.Root, "build")));

    [Fact]
    public void The_sources_compile_here_so_every_edge_is_seen()
    {
        // An edge is only as complete as the binding: a type the compiler cannot resolve would hide its use.
        Assert.True(Graph.Value.Errors.Count == 0, "build/ does not compile in the test's Roslyn compilation:\n" + string.Join("\n", Graph.Value.Errors));
        Assert.True(Graph.Value.Files > 100, $"only {Graph.Value.Files} files under build/");
    }

    [Fact]
    public void Every_using_line_is_a_real_dependency()
    {
        // A using line that nothing needs reads as an edge that is not there (a moved type leaves them behind).
        Assert.True(Graph.Value.UnusedUsings.Count == 0, "unused using directives under build/; remove them:\n" + string.Join("\n", Graph.Value.UnusedUsings));
    }

    [Fact]
    public void The_folders_under_build_have_no_cycle()
    {
        var cycles = Graph.Value.Cycles();
        Assert.True(cycles.Count == 0,
            $"{cycles.Count} dependency cycle(s) between the folders of build/; move the type an edge names to the folder it belongs to:\n"
            + string.Join("\n", cycles));
    }

    [Fact]
    public void Every_folder_uses_only_folders_of_lower_layers()
    {
        Assert.True(Graph.Value.Cycles().Count == 0, "the layers are only defined without a cycle (see The_folders_under_build_have_no_cycle)");
        var layerOf = Layers.SelectMany((line, i) => line.Select(folder => (Folder: folder, Layer: i))).ToDictionary(f => f.Folder, f => f.Layer);
        var heights = string.Join("\n", Graph.Value.Heights().Select(line => "  " + string.Join(", ", line)));
        var unplaced = Graph.Value.Edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Where(f => !layerOf.ContainsKey(f)).Order().ToList();
        Assert.True(unplaced.Count == 0, $"folders in no layer of FolderDependencyTests.Layers: {string.Join(", ", unplaced)}; " +
            $"add each to the line of the folders it belongs with (docs/design.md shows the same list). By what each uses, top first:\n{heights}");
        var upward = Graph.Value.Edges.Where(e => layerOf[e.From] >= layerOf[e.To]).Select(e => e.ToString()).ToList();
        Assert.True(upward.Count == 0, "uses of a folder on the same or a higher layer; move the type to a lower folder, or the folder to " +
            $"another line if the order itself changed. By what each uses, top first:\n{heights}\n" + string.Join("\n", upward));
    }

    [Fact]
    public void The_root_namespace_holds_only_the_hosts_wiring()
    {
        var strays = Graph.Value.RootTypes.Where(t => !IsWiring(t)).Select(t => $"{t.Name} ({t.File})").ToList();
        Assert.True(strays.Count == 0,
            "the root namespace EtcdForge is for BuildContext, Program and the setup/teardown hooks; move these to the folder of their concern:\n"
            + string.Join("\n", strays));
    }

    [Fact]
    public void Only_the_tasks_use_the_root_namespace()
    {
        var users = Graph.Value.Edges
            .Where(e => e.To == DependencyGraph.Root && e.From is not DependencyGraph.Root and not "EtcdForge.Tasks")
            .Select(e => e.ToString()).ToList();
        Assert.True(users.Count == 0,
            "only build/Tasks may use the root namespace EtcdForge (the host's wiring); pass these what they need instead:\n"
            + string.Join("\n", users));
    }

    private static bool IsWiring(DependencyGraph.RootType type) =>
        type.Name is "BuildContext" or "Program" || type.BaseName is "FrostingSetup" or "FrostingTeardown" or "FrostingTaskSetup" or "FrostingTaskTeardown";
}
