namespace EtcdForge.Download;

// The record's hash is etcd-server's, the .deb that carries the etcd server binary itself.
public sealed class DebianPackage(DebianFile server, DebianFile client)
    : EtcdPackage(FromDistribution, $"debian:{server.Package}={server.Version},{client.Package}={client.Version}", server.Sha256)
{
    public DebianFile Server { get; } = server;

    public override bool MayHoldAnotherVersion => true;

    public override async Task UnpackIntoAsync(string binDir)
    {
        var root = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(binDir))!, "deb-root");
        Directory.CreateDirectory(binDir);
        try
        {
            foreach (var deb in new[] { Server, client })
            {
                var extract = await ExternalCommand.RunAsync("dpkg-deb", ["-x", deb.Path, root], TimeSpan.FromMinutes(2));
                if (extract.ExitCode != 0)
                {
                    throw new ForgeError($"dpkg-deb -x {deb.Path} failed: {extract.LastErrorLine}");
                }
            }
            foreach (var name in new[] { "etcd", "etcdctl" })
            {
                var from = Path.Combine(root, "usr", "bin", name);
                if (!File.Exists(from)) throw new ForgeError($"Debian's {Server.Package}/{client.Package} packages have no usr/bin/{name}");
                File.Copy(from, Path.Combine(binDir, name));
                File.SetUnixFileMode(Path.Combine(binDir, name), Artifacts.AtomicFile.ExecutableMode);
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    public override void Discard()
    {
        File.Delete(Server.Path);
        File.Delete(client.Path);
    }
}
