namespace EtcdForge.Artifacts;

// Where every produced file lives. Downloads are shared between clusters; everything else is per cluster,
// so two cluster descriptions never share a CA.
public sealed class ArtifactLayout(string root, string clusterName)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <returns>the path itself or the nearest existing directory above it when that is a file; null when the root
    /// is, or can become, a directory.</returns>
    public static string? FileInTheWay(string root)
    {
        for (var path = Path.GetFullPath(root); !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (Directory.Exists(path)) return null;
            if (File.Exists(path)) return path;
        }
        return null;
    }
    public string Cluster => Path.Combine(Root, clusterName);

    // Shared by every cluster under this root: downloads, and what is derived from file contents alone.
    public string SharedCache => Path.Combine(Root, ArtifactNames.SharedDir);
    public string Downloads => Path.Combine(SharedCache, "downloads");
    public string CompressedMembers => Path.Combine(SharedCache, "gzip");
    // The flags each obtained etcd knows, by the SHA-256 of the archive or package it came from (EtcdFlags.FlagCatalog).
    public string EtcdFlagCatalogs => Path.Combine(SharedCache, "etcd-flags");
    public string EtcdDir => Path.Combine(Cluster, "etcd");
    public string EtcdRecord => Path.Combine(EtcdDir, "obtained.json");
    public string Pki => Path.Combine(Cluster, "pki");
    public string Bundles => Path.Combine(Cluster, "bundles");
    public string Nodes => Path.Combine(Cluster, "nodes");
    public string Reports => Path.Combine(Cluster, "reports");
    public string Backups => Path.Combine(Cluster, "backups");

    public string CaCert => Path.Combine(Pki, "etcd-root-ca.pem");
    public string CaKey => Path.Combine(Pki, "etcd-root-ca-key.pem");
    // A CA rotation in progress (CaRotation): the next or the previous CA beside the current one, and the
    // trust bundle of both that members and clients trust meanwhile. Retired CAs stay under retired/.
    public string Rotation => Path.Combine(Pki, "rotation");
    public string NextCaCert => Path.Combine(Rotation, "next-ca.pem");
    public string NextCaKey => Path.Combine(Rotation, "next-ca-key.pem");
    public string PreviousCaCert => Path.Combine(Rotation, "previous-ca.pem");
    public string PreviousCaKey => Path.Combine(Rotation, "previous-ca-key.pem");
    public string RotationTrustBundle => Path.Combine(Rotation, "trust-bundle.pem");
    public string Retired => Path.Combine(Pki, "retired");

    /// <summary>The CA file members and clients trust: the rotation's bundle while one runs, else the CA.</summary>
    public string TrustedCas => File.Exists(RotationTrustBundle) ? RotationTrustBundle : CaCert;

    public string ServerCert(string node) => Path.Combine(Pki, $"{node}.pem");
    public string ServerKey(string node) => Path.Combine(Pki, $"{node}-key.pem");
    public string PeerCert(string node) => Path.Combine(Pki, $"{node}-peer.pem");
    public string PeerKey(string node) => Path.Combine(Pki, $"{node}-peer-key.pem");
    public string ClientCert(string name) => Path.Combine(Pki, $"{name}.pem");
    public string ClientKey(string name) => Path.Combine(Pki, $"{name}-key.pem");

    public string NodeBundle(string node) => Path.Combine(Bundles, $"{node}.tar.gz");
    public string ClientBundle => Path.Combine(Bundles, "client.tar.gz");
    public string LocalNodeRoot(string node) => Path.Combine(Nodes, node);
}
