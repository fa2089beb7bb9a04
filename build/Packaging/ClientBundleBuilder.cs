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
            BundleEntry.FromFile(SslFiles.CaFileName, NodeBundleBuilder.Pki(layout.TrustedCas), AtomicFile.PublicMode),
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

    // Exported, so that `source etcdctl.env` configures the etcdctl run next. The paths resolve against this file's
    // directory where the shell can tell it (bash, zsh), so the bundle works wherever it is unpacked; plain sh
    // cannot, and takes the current directory. etcdctl warns about unknown ETCDCTL_* variables: the helper has another name.
    private static string EnvFile(Cluster cluster)
    {
        var first = cluster.Pki.Clients[0].Name;
        var endpoints = string.Join(",", cluster.Nodes.Select(n => n.ClientUrl));
        var text = new StringBuilder();
        text.Append($"# etcdctl settings for cluster {cluster.Name}, written by etcd-forge.\n");
        text.Append("# bash or zsh: `source /path/to/etcdctl.env`; sh: cd here, then `. ./etcdctl.env`. Then e.g. `etcdctl member list`\n");
        text.Append("# (this bundle's ./bin/etcdctl, or any etcdctl 3.4 or newer).\n");
        if (cluster.Pki.Clients.Count > 1)
        {
            var others = string.Join(", ", cluster.Pki.Clients.Skip(1).Select(c => c.Name));
            text.Append($"# Uses client '{first}'; to act as {others}, change ETCDCTL_CERT and ETCDCTL_KEY to that name.\n");
        }
        text.Append("""
            if [ -n "${BASH_SOURCE:-}" ]; then etcd_forge_here=$(dirname -- "$BASH_SOURCE")
            elif [ -n "${ZSH_VERSION:-}" ]; then eval 'etcd_forge_here=$(dirname -- "${(%):-%x}")'
            else etcd_forge_here=.
            fi
            etcd_forge_here=$(cd -- "$etcd_forge_here" && pwd)

            """);
        text.Append("export ETCDCTL_API=3\n");
        text.Append($"export ETCDCTL_ENDPOINTS={endpoints}\n");
        text.Append($"export ETCDCTL_CACERT=\"$etcd_forge_here/{SslFiles.CaFileName}\"\n");
        text.Append($"export ETCDCTL_CERT=\"$etcd_forge_here/{first}.pem\"\n");
        text.Append($"export ETCDCTL_KEY=\"$etcd_forge_here/{first}-key.pem\"\n");
        text.Append("unset etcd_forge_here\n");
        return text.ToString();
    }
}
