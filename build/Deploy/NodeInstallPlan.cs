using System.Formats.Tar;
using System.IO.Compression;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Nodes;
using EtcdForge.Packaging;

namespace EtcdForge.Deploy;

// What a node should hold, read from the bundle that Package built for it, so a deployed node gets exactly
// what an offline install of that bundle would give.
// ImageId: the image a docker member runs (null for the others); part of what the member started with.
public sealed record NodeInstallPlan(Node Node, NodePaths Paths, IReadOnlyList<DesiredFile> Files, string? ImageId = null)
{
    // Each file is hashed as the bundle is read once; small ones are kept, large ones (binaries) are read from the
    // bundle again if and when they are uploaded, and an SSH upload sends their member from Package's cache instead.
    public static NodeInstallPlan FromBundle(Node node, NodePaths paths, string bundle, GzipMembers? members = null, string? imageId = null)
    {
        if (!File.Exists(bundle)) throw new ForgeError($"{bundle} is missing: run --target=Package first");
        var files = new List<DesiredFile>();
        using (var gzip = new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                if (Target(entry.Name, node, paths) is not { } target) continue;
                if (entry.Length < BundleEntry.LargeEntry)
                {
                    using var content = new MemoryStream();
                    entry.DataStream.CopyTo(content);
                    files.Add(DesiredFile.Held(target, content.ToArray(), entry.Mode));
                    continue;
                }
                var name = entry.Name;
                var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(entry.DataStream));
                files.Add(new DesiredFile(target, entry.Mode, sha256, entry.Length, () => BundleEntryStream.Open(bundle, name))
                {
                    Compressed = members?.Cached(name, entry.Mode, entry.Uid, entry.Length, sha256),
                });
            }
        }
        return Checked(node, paths, files, bundle) with { ImageId = imageId };
    }

    // The same mapping for a bundle Package has not written yet (Plan builds its entries in memory).
    public static NodeInstallPlan FromEntries(Node node, NodePaths paths, IEnumerable<BundleEntry> entries, string bundle) =>
        Checked(node, paths, entries
            .Where(e => !e.IsDirectory)
            .Select(e => Target(e.Path, node, paths) is { } target ? new DesiredFile(target, e.Mode, e.Sha256, e.Length, e.Open) : null)
            .OfType<DesiredFile>()
            .ToList(), bundle);

    private static NodeInstallPlan Checked(Node node, NodePaths paths, List<DesiredFile> files, string bundle) =>
        files.Any(f => f.Path == Path.Combine(paths.BinDir, "etcd"))
            ? new NodeInstallPlan(node, paths, files)
            : throw new ForgeError($"{bundle} holds no bin/etcd: run --target=Package again");

    // install.sh and SHA256SUMS serve manual offline installs; the unit only matters where systemd runs etcd.
    private static string? Target(string entry, Node node, NodePaths paths)
    {
        var name = entry.TrimStart('.', '/');
        if (name.StartsWith("bin/", StringComparison.Ordinal)) return Path.Combine(paths.BinDir, name[4..]);
        if (name.StartsWith("ssl/", StringComparison.Ordinal)) return Path.Combine(paths.SslDir, name[4..]);
        if (name == "etcd.conf.yml") return paths.ConfigFile;
        if (name == "etcd.service" && node.Service == ServiceKind.Systemd) return paths.UnitFile;
        return null;
    }

    public IEnumerable<DesiredFile> Changed(IReadOnlyDictionary<string, FileState> current) =>
        Files.Where(f => !current.TryGetValue(f.Path, out var state) || state.Sha256 != f.Sha256 || state.Mode != f.Mode);

    /// <summary>The symlink etcd reads its leaf certificates through (see SslFiles).</summary>
    public string LeafLink => Path.Combine(Paths.SslDir, SslFiles.LeafLinkName);

    /// <summary>The generation directory (a name inside the ssl dir) the link must point at.</summary>
    public string LeafGeneration => _leafGeneration ??= Files
        .Select(f => Path.GetRelativePath(Paths.SslDir, f.Path).Split('/'))
        .Where(parts => parts.Length == 2 && SslFiles.IsGeneration(parts[0]))
        .Select(parts => parts[0]).Distinct().SingleOrDefault()
        ?? throw new ForgeError($"the bundle of {Node.Name} holds no leaf certificate generation: run --target=Package again");

    private string? _leafGeneration;

    public bool IsLeafFile(DesiredFile file) =>
        Path.GetDirectoryName(file.Path) == Path.Combine(Paths.SslDir, LeafGeneration);

    // What etcd reads only when it starts (binaries, config, unit, trust bundle), recorded when it starts, so a
    // later run knows whether the running member still runs what is deployed. The leaf certificates and keys
    // are left out: etcd re-reads them on every handshake, so renewing them is no reason to restart. The config's
    // bootstrap keys are left out too: etcd reads them only on a member's first start, and they change whenever a
    // member is added or removed, which must not restart the members already running.
    // MemberStarter and Plan compare against this; it is the only place that says what needs a restart.
    private string? _fingerprint;

    public string Fingerprint => _fingerprint ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join("\n", Files.Where(f => !IsLeafFile(f)).OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => $"{HashAtStart(f)} {f.Path}")
            .Concat(ImageId is null ? [] : [$"image {ImageId}"])))));

    // The same install with files placed elsewhere (staged for an upgrade): the member it ends up running is the same,
    // so the fingerprint stays that of the final paths.
    public NodeInstallPlan WithFiles(IReadOnlyList<DesiredFile> files)
    {
        var fingerprint = Fingerprint;
        return this with { Files = files, _fingerprint = fingerprint };
    }

    private string HashAtStart(DesiredFile file)
    {
        if (file.Path != Paths.ConfigFile) return file.Sha256;
        var kept = System.Text.Encoding.UTF8.GetString(file.ReadAll()).Split('\n')
            .Where(line => !line.StartsWith("initial-cluster:", StringComparison.Ordinal) && !line.StartsWith("initial-cluster-state:", StringComparison.Ordinal));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", kept))));
    }
}

public sealed record FileState(string Sha256, UnixFileMode Mode, string Owner);
