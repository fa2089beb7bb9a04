using EtcdForge.Artifacts;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Pki;

namespace EtcdForge.Verification;

// A client certificate from a CA the cluster does not know, made fresh in a temporary folder, to prove
// that etcd checks who signed a certificate and not merely that one is presented.
public sealed class ForeignIdentity : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcd-forge-foreign-").FullName;

    public TlsIdentity Identity { get; }

    public ForeignIdentity(Cluster cluster, ArtifactLayout trusted, TimeProvider clock)
    {
        var layout = new ArtifactLayout(_dir, "foreign");
        var pki = cluster.Pki with { CaSubject = new Subject("etcd-forge foreign CA (Verify)") };
        var ca = new CaInitialization(layout, pki, clock).Run().Authority;
        new CertificateIssuance(layout, pki, [], clock).Run(ca);
        var client = pki.Clients[0].Name;
        // Trust the real CA so the TLS handshake gets far enough for the server to judge the client.
        Identity = new TlsIdentity(trusted.TrustedCas, layout.ClientCert(client), layout.ClientKey(client));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
