using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;
using EtcdForge.EtcdFlags;
using EtcdForge.Nodes;

namespace EtcdForge.Packaging;

// The offline install bundle of one member: binaries, its own certificates and keys, config, unit and
// installer. It reads only the files named here, so the CA key and other members' keys cannot slip in.
public static class NodeBundleBuilder
{
    public static IReadOnlyList<BundleEntry> Build(Node node, Cluster cluster, ArtifactLayout layout, EtcdBinaries etcd)
    {
        var paths = NodePaths.For(node, cluster, layout);
        var version = etcd.ParsedVersion;
        var leaf = LeafGeneration(node, layout);
        List<BundleEntry> entries =
        [
            BundleEntry.Directory("bin"),
            BundleEntry.FromFile("bin/etcd", etcd.Etcd, AtomicFile.ExecutableMode),
            BundleEntry.FromFile("bin/etcdctl", Required(etcd.Etcdctl, "run --target=DownloadEtcd again"), AtomicFile.ExecutableMode),
            BundleEntry.Directory("ssl", BundleEntry.PrivateDirectoryMode),
            BundleEntry.FromFile($"ssl/{SslFiles.CaFileName}", Pki(layout.TrustedCas), AtomicFile.PublicMode),
            .. leaf.Entries,
            BundleEntry.Text("etcd.conf.yml", EtcdConfigFile.Render(node, cluster, paths, version, CheckedExtraFlags.Of(cluster, etcd, layout).For(node))),
            BundleEntry.Text(SystemdUnit.FileName, SystemdUnit.Render(cluster.Name, node.Name, paths)),
            BundleEntry.Text(InstallScript.FileName, InstallScript.Render(node.Name, paths, leaf.Name, etcd.HasEtcdutl, node.Connection.Type == ConnectionType.Ssh), AtomicFile.ExecutableMode),
        ];
        if (etcd.HasEtcdutl) entries.Add(BundleEntry.FromFile("bin/etcdutl", etcd.Etcdutl, AtomicFile.ExecutableMode));
        entries.Add(BundleManifest.For(entries));
        return entries;
    }

    // The member's leaf certificates and keys in their generation directory (see SslFiles); install.sh and
    // DeployNodes point ssl/leaf at it once every file is in place.
    private static (string Name, IReadOnlyList<BundleEntry> Entries) LeafGeneration(Node node, ArtifactLayout layout)
    {
        var ssl = new SslFiles("ssl", node.Name);
        var files = new (string Name, string Source, UnixFileMode Mode)[]
        {
            (ssl.ServerCertName, layout.ServerCert(node.Name), AtomicFile.PublicMode),
            (ssl.ServerKeyName, layout.ServerKey(node.Name), AtomicFile.PrivateMode),
            (ssl.PeerCertName, layout.PeerCert(node.Name), AtomicFile.PublicMode),
            (ssl.PeerKeyName, layout.PeerKey(node.Name), AtomicFile.PrivateMode),
        };
        var contents = files.Select(f => File.ReadAllBytes(Pki(f.Source))).ToList();
        var name = SslFiles.GenerationName(contents);
        return (name, [BundleEntry.Directory($"ssl/{name}", BundleEntry.PrivateDirectoryMode),
                       .. files.Zip(contents, (f, content) => new BundleEntry($"ssl/{name}/{f.Name}", content, f.Mode))]);
    }

    internal static string Pki(string path) => Required(path, "run --target=IssueCerts first");

    internal static string Required(string path, string fix) =>
        File.Exists(path) ? path : throw new ForgeError($"{path} is missing: {fix}");
}
