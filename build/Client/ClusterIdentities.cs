using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Client;

public static class ClusterIdentities
{
    // The first configured client is the operator's identity (CN root by default).
    public static TlsIdentity Operator(Cluster cluster, ArtifactLayout layout)
    {
        var name = cluster.Pki.Clients[0].Name;
        return new TlsIdentity(layout.TrustedCas, layout.ClientCert(name), layout.ClientKey(name));
    }

    public static TlsIdentity Anonymous(ArtifactLayout layout) => new(layout.TrustedCas, null, null);
}
