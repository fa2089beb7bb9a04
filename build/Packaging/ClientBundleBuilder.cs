using System.Text;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;

namespace EtcdForge.Packaging;

// What an operator or application needs to talk to the cluster: the CA, every configured client identity,
// etcdctl and an env file that points etcdctl at all members.
public static class ClientBundleBuilder
{
    public const string EnvFileName = "etcdctl.env";

    public static IReadOnlyList<BundleEntry> Build(Cluster cluster, ArtifactLayout layout, EtcdBinaries etcd)
    {
        var entries = new List<BundleEntry>
        {
            BundleEntry.FromFile(SslFiles.CaFileName, NodeBundleBuilder.Pki(layout.CaCert), AtomicFile.PublicMode),
            BundleEntry.Text(EnvFileName, EnvFile(cluster)),
        };
        foreach (var client in cluster.Pki.Clients)
        {
            entries.Add(BundleEntry.FromFile($"{client.Name}.pem", NodeBundleBuilder.Pki(layout.ClientCert(client.Name)), AtomicFile.PublicMode));
            entries.Add(BundleEntry.FromFile($"{client.Name}-key.pem", NodeBundleBuilder.Pki(layout.ClientKey(client.Name)), AtomicFile.PrivateMode));
        }
        if (File.Exists(etcd.Etcdctl))
        {
            entries.Add(BundleEntry.Directory("bin"));
            entries.Add(BundleEntry.FromFile("bin/etcdctl", etcd.Etcdctl, AtomicFile.ExecutableMode));
        }
        entries.Add(BundleManifest.For(entries));
        return entries;
    }

    // Paths are relative so the bundle works wherever it is unpacked; the header says how to use it.
    private static string EnvFile(Cluster cluster)
    {
        var first = cluster.Pki.Clients[0].Name;
        var endpoints = string.Join(",", cluster.Nodes.Select(n => n.ClientUrl(cluster.Etcd.ClientPort)));
        var text = new StringBuilder();
        text.Append($"# etcdctl settings for cluster {cluster.Name}, written by etcd-forge.\n");
        text.Append("# Paths are relative to this directory: cd here, then `set -a; . ./etcdctl.env; set +a; ./bin/etcdctl member list`.\n");
        if (cluster.Pki.Clients.Count > 1)
        {
            var others = string.Join(", ", cluster.Pki.Clients.Skip(1).Select(c => c.Name));
            text.Append($"# Uses client '{first}'; to act as {others}, change ETCDCTL_CERT and ETCDCTL_KEY to that name.\n");
        }
        text.Append("ETCDCTL_API=3\n");
        text.Append($"ETCDCTL_ENDPOINTS={endpoints}\n");
        text.Append($"ETCDCTL_CACERT=./{SslFiles.CaFileName}\n");
        text.Append($"ETCDCTL_CERT=./{first}.pem\n");
        text.Append($"ETCDCTL_KEY=./{first}-key.pem\n");
        return text.ToString();
    }
}
