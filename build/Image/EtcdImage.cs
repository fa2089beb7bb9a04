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
        var (bytes, identity) = ImageArchive.Pack(Repository, etcd.Version, ImageArchive.Layer(contents.Entries), run,
            $"etcd-forge Package: etcd {etcd.Version} from {etcd.Source}, {EtcdImageLayer.Describe(contents)}");
        var path = ArchiveOf(layout, etcd.Version);
        var existed = File.Exists(path);
        var why = AtomicFile.WriteIfChanged(path, bytes, AtomicFile.PublicMode) ? existed ? "rebuilt: its binaries or libraries changed" : "new" : null;
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
}
