using EtcdForge.Artifacts;
using EtcdForge.Remote;

namespace EtcdForge.Deploy;

// Brings one node to its plan: etcd user (as root), private directories, and only the files whose content
// or mode differ, each staged under a temporary name and renamed into place.
public sealed class NodeDeployer(INodeShell shell, NodeInstallPlan plan)
{
    // RemoteHashesCompared: the files whose SHA-256 the node computed and this run compared with the bundle's (the
    // files already there), so a report shows that a run with nothing to upload still checked every file.
    public sealed record Outcome(string Node, IReadOnlyList<string> Changes, long BytesUploaded, int RemoteHashesCompared);

    public async Task<Outcome> PlanAsync(CancellationToken ct)
    {
        var snapshot = await NodeInventory.ReadAsync(shell, plan, ct);
        return new Outcome(plan.Node.Name, Describe(snapshot), 0, snapshot.Files.Count);
    }

    public async Task<Outcome> DeployAsync(CancellationToken ct)
    {
        var snapshot = await NodeInventory.ReadAsync(shell, plan, ct);
        var changes = Describe(snapshot);
        if (changes.Count == 0) return new Outcome(plan.Node.Name, changes, 0, snapshot.Files.Count);
        var before = shell.BytesUploaded;
        var asSystem = snapshot.IsRoot && plan.Node.InstallsAsSystem;
        (await shell.RunAsync(PrepareScript(asSystem), ct)).EnsureSuccess("preparing etcd user and directories");
        if (snapshot.StaleTemps.Count > 0)
        {
            (await shell.RunAsync($"rm -f {string.Join(" ", snapshot.StaleTemps.Select(ShellQuote.Arg))}", ct))
                .EnsureSuccess("removing stale temporary files");
        }
        var uploads = plan.Changed(snapshot.Files)
            .Select(file => new FileUpload(file.Path, file.Open, file.Mode, file.Length) { Compressed = file.Compressed })
            .ToList();
        await shell.UploadAsync(uploads, ct);
        if (asSystem)
        {
            // etcd runs as its own user and must read its keys; nobody else may.
            var secrets = string.Join(" ", FilesInSslDir().Select(f => ShellQuote.Arg(f.Path)));
            (await shell.RunAsync($"chown etcd:etcd {secrets}", ct)).EnsureSuccess("handing the certificates to the etcd user");
        }
        if (snapshot.LeafLink != plan.LeafGeneration || Obsolete(snapshot).Any())
        {
            (await shell.RunAsync(SwitchLeafScript(), ct)).EnsureSuccess("switching to the new certificate generation");
        }
        return new Outcome(plan.Node.Name, changes, shell.BytesUploaded - before, snapshot.Files.Count);
    }

    private List<string> Describe(NodeInventory.Snapshot snapshot)
    {
        var changes = new List<string>();
        if (snapshot.MissingDirectories.Count > 0) changes.Add($"create {string.Join(", ", snapshot.MissingDirectories.Order())}");
        changes.AddRange(snapshot.StaleTemps.Select(t => $"remove {t} (left by an interrupted upload)"));
        foreach (var file in plan.Changed(snapshot.Files))
        {
            var why = !snapshot.Files.TryGetValue(file.Path, out var state) ? "new"
                : state.Sha256 != file.Sha256 ? "content differs"
                : $"mode {UnixModes.Octal(state.Mode)} -> {UnixModes.Octal(file.Mode)}";
            changes.Add($"upload {file.Path} ({why})");
        }
        if (snapshot.LeafLink != plan.LeafGeneration)
        {
            changes.Add(snapshot.LeafLink is null
                ? $"link {plan.LeafLink} -> {plan.LeafGeneration}"
                : $"switch {plan.LeafLink} -> {plan.LeafGeneration} (was {snapshot.LeafLink}; etcd serves it from the next handshake, no restart)");
        }
        changes.AddRange(Obsolete(snapshot).Select(g => $"remove {Path.Combine(plan.Paths.SslDir, g)} (replaced certificate generation)"));
        // Someone may have chowned a key on the node: etcd must own its certificates and keys, nobody else.
        if (snapshot.IsRoot && plan.Node.InstallsAsSystem)
        {
            var uploaded = plan.Changed(snapshot.Files).Select(f => f.Path).ToHashSet();
            changes.AddRange(FilesInSslDir()
                .Where(f => !uploaded.Contains(f.Path) && snapshot.Files.TryGetValue(f.Path, out var s) && s.Owner != "etcd")
                .Select(f => $"chown {f.Path} ({snapshot.Files[f.Path].Owner} -> etcd)"));
        }
        return changes;
    }

    private IEnumerable<string> Obsolete(NodeInventory.Snapshot snapshot) => snapshot.Generations.Where(g => g != plan.LeafGeneration);

    // One rename swaps the certificate and its key together: etcd opens both through the link, so no handshake
    // sees a new certificate with an old key. Generations that the link no longer names are removed: etcd
    // resolves the link on every open, and files it already holds open stay readable.
    private string SwitchLeafScript()
    {
        var generation = ShellQuote.Arg(plan.LeafGeneration);
        var temp = ShellQuote.Arg("." + SslFiles.LeafLinkName + ".tmp");
        return $"""
            set -e
            cd {ShellQuote.Arg(plan.Paths.SslDir)}
            ln -sfn {generation} {temp}
            mv -Tf {temp} {ShellQuote.Arg(SslFiles.LeafLinkName)}
            for g in leaf-*; do [ "$g" = {generation} ] || [ ! -d "$g" ] || rm -rf -- "$g"; done
            """;
    }

    private IEnumerable<DesiredFile> FilesInSslDir() =>
        plan.Files.Where(f => f.Path.StartsWith(plan.Paths.SslDir + "/", StringComparison.Ordinal));

    private string PrepareScript(bool root)
    {
        var p = plan.Paths;
        string Q(string path) => ShellQuote.Arg(path);
        var open = string.Join(" ", new[] { p.BinDir, p.ConfigDir }.Concat(plan.Files.Select(f => Path.GetDirectoryName(f.Path)!))
            .Where(d => d != p.SslDir && !d.StartsWith(p.SslDir + "/", StringComparison.Ordinal)).Distinct().Select(Q));
        var generation = Q(Path.Combine(p.SslDir, plan.LeafGeneration));
        if (!root)
        {
            return $"set -e; umask 077; mkdir -p {open} {Q(p.SslDir)} {generation} {Q(p.DataDir)} {Q(p.RunDir)}; chmod 0700 {Q(p.SslDir)} {generation} {Q(p.DataDir)}";
        }
        return $"""
            set -e
            getent group etcd >/dev/null || groupadd --system etcd
            getent passwd etcd >/dev/null || useradd --system --gid etcd --home-dir {Q(p.DataDir)} --no-create-home --shell /usr/sbin/nologin etcd
            install -d -m 0755 {open}
            install -d -m 0700 -o etcd -g etcd {Q(p.SslDir)} {generation} {Q(p.DataDir)}
            install -d -m 0755 -o etcd -g etcd {Q(p.RunDir)}
            """;
    }
}
