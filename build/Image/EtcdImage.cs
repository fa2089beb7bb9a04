using System.Text.Json;
using System.Text.Json.Nodes;
using EtcdForge.Artifacts;
using EtcdForge.Download;

namespace EtcdForge.Image;

// The etcd image Package puts among the release artifacts: bundles/etcd-image-<version>.tar, and its tag, ID and
// digest in reports/image.json. It runs etcd with the node's config file by default (the paths DeployNodes uses),
// as a non-root user; `service: docker` overrides the user with the node's etcd user and mounts the node's files.
public static class EtcdImage
{
    public const string Repository = "etcd-forge/etcd";
    public const string ConfigFile = "/etc/etcd/etcd.conf.yml";

    public sealed record Outcome(string Path, string? Why, ImageArchive.Identity Identity, string Contents)
    {
        public bool Changed => Why is not null;
    }

    public static string ArchiveOf(ArtifactLayout layout, string version) => Path.Combine(layout.Bundles, $"etcd-image-{version}.tar");

    /// <summary>The image of the etcd that DownloadEtcd obtained, as Package wrote it.</summary>
    public static ImageArchive.Identity Current(ArtifactLayout layout) => ImageArchive.Identify(ArchiveOf(layout, EtcdBinaries.Load(layout).Version));

    public static async Task<Outcome> WriteAsync(ArtifactLayout layout, EtcdBinaries etcd)
    {
        var contents = await EtcdImageLayer.BuildAsync(etcd);
        var run = new JsonObject
        {
            ["User"] = $"{EtcdImageLayer.UserId}:{EtcdImageLayer.UserId}",
            ["Env"] = new JsonArray("PATH=/usr/local/bin:/usr/bin:/bin", "ETCDCTL_API=3"),
            ["Entrypoint"] = new JsonArray("/usr/local/bin/etcd"),
            ["Cmd"] = new JsonArray("--config-file", ConfigFile),
            ["WorkingDir"] = EtcdImageLayer.DataDir,
            ["Labels"] = new JsonObject
            {
                ["org.opencontainers.image.title"] = "etcd",
                ["org.opencontainers.image.version"] = etcd.Version,
                ["org.opencontainers.image.source"] = etcd.Origin,
            },
        };
        var createdBy = $"etcd-forge Package: etcd {etcd.Version} from {etcd.Source}, {EtcdImageLayer.Describe(contents)}";
        var cached = Path.Combine(layout.SharedCache, "images", $"{KeyOf(contents.Entries, run, etcd.Version, createdBy)}.tar");
        if (!File.Exists(cached)) Build(cached, contents.Entries, run, etcd.Version, createdBy);
        var identity = ImageArchive.Identify(cached);
        var path = ArchiveOf(layout, etcd.Version);
        var existed = File.Exists(path);
        string? why = null;
        if (!HardLink.Same(cached, path) && !SameBytes(cached, path))
        {
            HardLink.Place(cached, path);
            why = existed ? "rebuilt: its binaries or libraries changed" : "new";
        }
        AtomicFile.WriteIfChanged(Path.Combine(layout.Reports, "image.json"), JsonSerializer.SerializeToUtf8Bytes(new
        {
            archive = path,
            tag = identity.Tag,
            id = identity.Id,
            digest = identity.Digest,
            etcdVersion = etcd.Version,
            libraries = contents.Libraries,
        }, new JsonSerializerOptions { WriteIndented = true }), AtomicFile.PublicMode);
        return new Outcome(path, why, identity, EtcdImageLayer.Describe(contents));
    }

    // The archive is made in the shared cache, keyed by everything its bytes depend on, and given its name under
    // bundles/ as a hard link: another cluster, or a run after a deleted bundles/, gets it without packing 40 MB.
    // The layer is written to a temporary file first: its digest names it inside the archive, so it must be known
    // before the archive is written, and it is too large to hold.
    private static void Build(string cached, IReadOnlyList<Packaging.BundleEntry> entries, JsonObject run, string tag, string createdBy)
    {
        var layer = TempFiles.Beside(cached, "layer");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            using (var output = File.Create(layer)) Packaging.TarGzWriter.WriteTar(entries, output);
            AtomicFile.Write(cached, output => ImageArchive.Pack(Repository, tag, layer, run, createdBy, output), AtomicFile.PublicMode);
        }
        finally
        {
            File.Delete(layer);
        }
    }

    private static string KeyOf(IReadOnlyList<Packaging.BundleEntry> entries, JsonObject run, string tag, string createdBy)
    {
        var text = new System.Text.StringBuilder($"etcd-forge image 1\n{Repository}:{tag}\n{run.ToJsonString()}\n{createdBy}\n");
        foreach (var e in entries.OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            text.Append($"{e.Path} {UnixModes.Octal(e.Mode)} {e.Owner} {(e.IsDirectory ? "dir" : $"{e.Length} {e.Sha256}")}\n");
        }
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static bool SameBytes(string a, string b)
    {
        if (!File.Exists(b) || new FileInfo(a).Length != new FileInfo(b).Length) return false;
        using var expected = File.OpenRead(a);
        using var actual = File.OpenRead(b);
        return Packaging.ExpectedBytesStream.Matches(expected, actual.CopyTo);
    }
}
