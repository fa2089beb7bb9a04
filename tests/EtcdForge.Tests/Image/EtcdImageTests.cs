using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using EtcdForge.Image;
using EtcdForge.Tests.Packaging;

namespace EtcdForge.Tests.Image;

// The image Package builds, taken apart without a Docker engine (DockerSandboxTests loads it into a real one).
public sealed class EtcdImageTests : IDisposable
{
    private readonly PackagingFixture _first = new();
    private readonly PackagingFixture _second = new();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task Two_builds_from_the_same_binaries_give_the_same_bytes_ID_and_digest_and_a_rebuild_changes_nothing()
    {
        var one = await EtcdImage.WriteAsync(_first.Layout, _first.Etcd);
        var two = await EtcdImage.WriteAsync(_second.Layout, _second.Etcd); // another cluster, CA and directory

        Assert.Equal("new", one.Why);
        Assert.Equal(File.ReadAllBytes(one.Path), File.ReadAllBytes(two.Path));
        Assert.Equal(one.Identity, two.Identity);
        Assert.EndsWith("bundles/etcd-image-3.4.23.tar", one.Path);
        var stamp = File.GetLastWriteTimeUtc(one.Path);

        var again = await EtcdImage.WriteAsync(_first.Layout, _first.Etcd);

        Assert.False(again.Changed, again.Why);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(one.Path));
        Assert.Equal(one.Identity, ImageArchive.Identify(one.Path));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_first.Layout.Reports, "image.json")));
        Assert.Equal(one.Identity.Id, report.RootElement.GetProperty("id").GetString());
        Assert.Equal(one.Identity.Digest, report.RootElement.GetProperty("digest").GetString());
        Assert.Equal("etcd-forge/etcd:3.4.23", report.RootElement.GetProperty("tag").GetString());
    }

    [Fact]
    public async Task Debian_etcd_is_dynamically_linked_so_the_one_layer_carries_its_interpreter_and_libraries_and_a_non_root_user()
    {
        var image = await EtcdImage.WriteAsync(_first.Layout, _first.Etcd);
        var archive = Read(image.Path);

        // Both indexes name the same config and layer; the config's digest is the image ID, the manifest's the digest.
        using var docker = JsonDocument.Parse(archive["manifest.json"].Content);
        var entry = docker.RootElement[0];
        Assert.Equal("etcd-forge/etcd:3.4.23", entry.GetProperty("RepoTags")[0].GetString());
        var config = archive[entry.GetProperty("Config").GetString()!].Content;
        Assert.Equal(image.Identity.Id, Digest(config));
        var layerPath = Assert.Single(entry.GetProperty("Layers").EnumerateArray()).GetString()!;
        using var index = JsonDocument.Parse(archive["index.json"].Content);
        var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        Assert.Equal(image.Identity.Digest, manifestDigest);
        using var manifest = JsonDocument.Parse(archive["blobs/sha256/" + manifestDigest["sha256:".Length..]].Content);
        Assert.Equal(image.Identity.Id, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
        Assert.Equal("blobs/sha256/" + manifest.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!["sha256:".Length..], layerPath);

        using var run = JsonDocument.Parse(config);
        var settings = run.RootElement.GetProperty("config");
        Assert.Equal("65532:65532", settings.GetProperty("User").GetString());
        Assert.Equal(["/usr/local/bin/etcd"], settings.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["--config-file", "/etc/etcd/etcd.conf.yml"], settings.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        var layerBytes = archive[layerPath].Content;
        Assert.Equal(run.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString(), Digest(layerBytes));

        var layer = Read(layerBytes);
        Assert.Equal(File.ReadAllBytes("/usr/bin/etcd"), layer["usr/local/bin/etcd"].Content);
        Assert.Equal(File.ReadAllBytes("/usr/bin/etcdctl"), layer["usr/local/bin/etcdctl"].Content);
        // The interpreter the ELF header names, and what ldd resolves (symlinks followed), at the paths the loader uses.
        Assert.Equal(File.ReadAllBytes("/lib64/ld-linux-x86-64.so.2"), layer["lib64/ld-linux-x86-64.so.2"].Content);
        Assert.Equal(File.ReadAllBytes("/lib/x86_64-linux-gnu/libc.so.6"), layer["lib/x86_64-linux-gnu/libc.so.6"].Content);
        Assert.Contains("etcd:x:65532:65532:", System.Text.Encoding.UTF8.GetString(layer["etc/passwd"].Content));
        var data = layer["var/lib/etcd"];
        Assert.Equal((65532, 65532, TarEntryType.Directory), (data.Uid, data.Gid, data.Type));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, data.Mode);
        Assert.All(layer.Values.Where(e => e.Name != "var/lib/etcd"), e => Assert.Equal(0, e.Uid));
        Assert.DoesNotContain(layer.Keys, k => k.StartsWith("bin/", StringComparison.Ordinal) || k.EndsWith("/sh", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_static_binary_needs_nothing_besides_itself()
    {
        // Debian's ldconfig is a static PIE: no PT_INTERP, as in etcd's official release binaries.
        Assert.Empty(await ElfDependencies.OfAsync("/sbin/ldconfig"));
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", ElfDependencies.Interpreter("/usr/bin/etcd"));
    }

    [Fact]
    public async Task A_file_that_is_not_an_ELF_executable_is_refused_with_one_line()
    {
        var script = _first.Temp.File("not-elf", "#!/bin/sh\necho etcd\n");
        var error = await Assert.ThrowsAsync<ForgeError>(() => ElfDependencies.OfAsync(script));
        Assert.Equal($"{script} is not an ELF executable; the image needs Linux etcd binaries", error.Message);
    }

    private sealed record Entry(string Name, byte[] Content, int Uid, int Gid, TarEntryType Type, UnixFileMode Mode);

    private static Dictionary<string, Entry> Read(string path) => Read(File.ReadAllBytes(path));

    private static Dictionary<string, Entry> Read(byte[] tar)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } e)
        {
            using var content = new MemoryStream();
            e.DataStream?.CopyTo(content);
            entries[e.Name.TrimEnd('/')] = new Entry(e.Name.TrimEnd('/'), content.ToArray(), e.Uid, e.Gid, e.EntryType, e.Mode);
        }
        return entries;
    }

    private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
