using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;

namespace EtcdForge.Packaging;

// The offline install bundle of one member: binaries, its own certificates and keys, config, unit and
// installer. It reads only the files named here, so the CA key and other members' keys cannot slip in.
public static class NodeBundleBuilder
{
    public static IReadOnlyList<BundleEntry> Build(Node node, Cluster cluster, ArtifactLayout layout, EtcdBinaries etcd)
    {
        var paths = NodePaths.For(node, cluster, layout);
        var version = etcd.ParsedVersion;
        var entries = new List<BundleEntry>
        {
            BundleEntry.Directory("bin"),
            BundleEntry.FromFile("bin/etcd", etcd.Etcd, AtomicFile.ExecutableMode),
            BundleEntry.FromFile("bin/etcdctl", Required(etcd.Etcdctl, "run --target=DownloadEtcd again"), AtomicFile.ExecutableMode),
            BundleEntry.Directory("ssl", BundleEntry.PrivateDirectoryMode),
            BundleEntry.FromFile($"ssl/{SslFiles.CaFileName}", Pki(layout.CaCert), AtomicFile.PublicMode),
            BundleEntry.FromFile($"ssl/{node.Name}.pem", Pki(layout.ServerCert(node.Name)), AtomicFile.PublicMode),
            BundleEntry.FromFile($"ssl/{node.Name}-key.pem", Pki(layout.ServerKey(node.Name)), AtomicFile.PrivateMode),
            BundleEntry.FromFile($"ssl/{node.Name}-peer.pem", Pki(layout.PeerCert(node.Name)), AtomicFile.PublicMode),
            BundleEntry.FromFile($"ssl/{node.Name}-peer-key.pem", Pki(layout.PeerKey(node.Name)), AtomicFile.PrivateMode),
            BundleEntry.Text("etcd.conf.yml", EtcdConfigFile.Render(node, cluster, paths, version)),
            BundleEntry.Text(SystemdUnit.FileName, SystemdUnit.Render(cluster.Name, node.Name, paths)),
            BundleEntry.Text(InstallScript.FileName, InstallScript.Render(node.Name, paths, etcd.HasEtcdutl, node.Connection.Type == ConnectionType.Ssh), AtomicFile.ExecutableMode),
        };
        if (etcd.HasEtcdutl) entries.Add(BundleEntry.FromFile("bin/etcdutl", etcd.Etcdutl, AtomicFile.ExecutableMode));
        entries.Add(BundleManifest.For(entries));
        return entries;
    }

    internal static string Pki(string path) => Required(path, "run --target=IssueCerts first");

    internal static string Required(string path, string fix) =>
        File.Exists(path) ? path : throw new ForgeError($"{path} is missing: {fix}");
}
