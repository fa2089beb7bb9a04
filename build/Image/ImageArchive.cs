using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtcdForge.Packaging;

namespace EtcdForge.Image;

// A `docker load`-able archive built without a daemon. It is both formats at once, as `docker save` writes them
// since Docker 25: manifest.json (the docker-archive index that Docker 20.10 reads) and index.json/oci-layout
// (an OCI image layout), both pointing at the same blobs/sha256/<digest> files. The layer is an uncompressed tar,
// so its digest is also its diff ID; every byte is fixed by the inputs (TarGzWriter's tar: sorted entries, fixed
// mtime, numeric owners), so the same binaries give the same archive, image ID and digest on every machine.
public static class ImageArchive
{
    public sealed record Identity(string Tag, string Id, string Digest);

    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>Writes the archive to output. layerFile holds the layer's uncompressed tar; it is streamed, not held.</summary>
    public static Identity Pack(string repository, string tag, string layerFile, JsonObject runConfig, string createdBy, Stream output)
    {
        var layer = FileDigests.Of(layerFile);
        var layerDigest = "sha256:" + layer.Sha256;
        var config = Json(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = TarGzWriter.FixedTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["config"] = runConfig,
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layerDigest) },
            ["history"] = new JsonArray(new JsonObject { ["created"] = TarGzWriter.FixedTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["created_by"] = createdBy }),
        });
        var configDigest = Digest(config);
        var manifest = Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.Length),
            ["layers"] = new JsonArray(Descriptor("application/vnd.oci.image.layer.v1.tar", layerDigest, layer.Length)),
        });
        var manifestDigest = Digest(manifest);
        var reference = $"{repository}:{tag}";
        var index = Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(Descriptor(ManifestType, manifestDigest, manifest.Length, new JsonObject
            {
                ["io.containerd.image.name"] = $"docker.io/{reference}",
                ["org.opencontainers.image.ref.name"] = tag,
            })),
        });
        var dockerManifest = Json(new JsonArray(new JsonObject
        {
            ["Config"] = Blob(configDigest),
            ["RepoTags"] = new JsonArray(reference),
            ["Layers"] = new JsonArray(Blob(layerDigest)),
        }));
        var entries = new List<BundleEntry>
        {
            BundleEntry.Directory("blobs"),
            BundleEntry.Directory("blobs/sha256"),
            BundleEntry.FromFile(Blob(layerDigest), layerFile, Artifacts.AtomicFile.PublicMode),
            new(Blob(configDigest), config, Artifacts.AtomicFile.PublicMode),
            new(Blob(manifestDigest), manifest, Artifacts.AtomicFile.PublicMode),
            new("index.json", index, Artifacts.AtomicFile.PublicMode),
            new("manifest.json", dockerManifest, Artifacts.AtomicFile.PublicMode),
            BundleEntry.Text("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""),
        };
        TarGzWriter.WriteTar(entries, output);
        return new Identity(reference, configDigest, manifestDigest);
    }

    // Read back from the archive itself, so what is deployed is what the file holds, whatever a report says.
    public static Identity Identify(string archive)
    {
        if (!File.Exists(archive)) throw new ForgeError($"{archive} is missing: run --target=Package first");
        string? reference = null, configPath = null, manifestDigest = null;
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var reader = new TarReader(File.OpenRead(archive)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || entry.Length > 1 << 20) continue; // the layer is not needed here
                using var content = new MemoryStream();
                entry.DataStream.CopyTo(content);
                blobs[entry.Name] = content.ToArray();
            }
        }
        try
        {
            var docker = JsonNode.Parse(blobs["manifest.json"])![0]!;
            reference = (string?)docker["RepoTags"]![0];
            configPath = (string?)docker["Config"];
            manifestDigest = (string?)JsonNode.Parse(blobs["index.json"])!["manifests"]![0]!["digest"];
        }
        catch (Exception e) when (e is KeyNotFoundException or JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new ForgeError($"{archive} is not an image archive etcd-forge wrote ({e.Message}); run --target=Package again");
        }
        if (reference is null || configPath is null || manifestDigest is null || !blobs.TryGetValue(configPath, out var config))
        {
            throw new ForgeError($"{archive} lacks its image config; run --target=Package again");
        }
        return new Identity(reference, Digest(config), manifestDigest);
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size, JsonObject? annotations = null)
    {
        var descriptor = new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };
        if (annotations is not null) descriptor["annotations"] = annotations;
        return descriptor;
    }

    private static string Blob(string digest) => $"blobs/sha256/{digest["sha256:".Length..]}";

    private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static byte[] Json(JsonNode node) => System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
}
