using EtcdForge.Remote;

namespace EtcdForge.Deploy;

// Read-only look at a node: hash, mode and owner of each file the plan names, and which directories exist.
public static class NodeInventory
{
    // StaleTemps: temporary files of an upload that never got renamed into place (the node or a local run died mid-write).
    // LeafLink: where the ssl dir's leaf symlink points (null when absent); Generations: the leaf-* directories there.
    public sealed record Snapshot(IReadOnlyDictionary<string, FileState> Files, IReadOnlySet<string> MissingDirectories, bool IsRoot,
        IReadOnlyList<string> StaleTemps, string? LeafLink, IReadOnlyList<string> Generations);

    public static async Task<Snapshot> ReadAsync(INodeShell shell, NodeInstallPlan plan, CancellationToken ct)
    {
        var files = string.Join(" ", plan.Files.Select(f => ShellQuote.Arg(f.Path)));
        var dirs = string.Join(" ", Directories(plan).Select(ShellQuote.Arg));
        // The glob matches UploadTarget.TempNameBeside's ".<name>.<guid>.tmp"; unmatched, it stays literal and fails -f.
        var temps = string.Join(" ", plan.Files.Select(f =>
            $"{ShellQuote.Arg(Path.GetDirectoryName(f.Path)!)}/{ShellQuote.Arg("." + Path.GetFileName(f.Path))}.*.tmp"));
        var script = $$"""
            echo "uid $(id -u)"
            for d in {{dirs}}; do [ -d "$d" ] || echo "nodir $d"; done
            for f in {{files}}; do
              [ -f "$f" ] && echo "file $(sha256sum < "$f" | cut -d' ' -f1) $(stat -c '%a %U' "$f") $f"
            done
            for t in {{temps}}; do [ -f "$t" ] && echo "stale $t"; done
            l=$(readlink {{ShellQuote.Arg(plan.LeafLink)}} 2>/dev/null) && echo "link $l"
            for g in {{ShellQuote.Arg(plan.Paths.SslDir)}}/leaf-*; do [ -d "$g" ] && echo "gen ${g##*/}"; done
            true
            """;
        var result = (await shell.RunAsync(script, ct)).EnsureSuccess("reading installed files");
        var states = new Dictionary<string, FileState>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var stale = new List<string>();
        var isRoot = false;
        string? link = null;
        var generations = new List<string>();
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 5);
            switch (parts[0])
            {
                case "uid":
                    isRoot = parts[1].Trim() == "0";
                    break;
                case "nodir":
                    missing.Add(line[6..]);
                    break;
                case "stale":
                    stale.Add(line[6..]);
                    break;
                case "link":
                    link = line[5..];
                    break;
                case "gen":
                    generations.Add(line[4..]);
                    break;
                case "file" when parts.Length == 5:
                    var mode = (UnixFileMode)Convert.ToInt32(parts[2], 8);
                    states[parts[4]] = new FileState(parts[1], mode, parts[3]);
                    break;
            }
        }
        return new Snapshot(states, missing, isRoot, stale, link, generations);
    }

    // Not the run dir: it is tmpfs on most hosts, gone after every reboot, and the service makes it when it
    // starts etcd; a missing one is no deploy change.
    public static IEnumerable<string> Directories(NodeInstallPlan plan) =>
        [plan.Paths.BinDir, plan.Paths.ConfigDir, plan.Paths.SslDir, plan.Paths.DataDir,
         .. plan.Files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct()];

}
