using System.Security.Cryptography.X509Certificates;
using EtcdForge.Artifacts;

namespace EtcdForge.Pki;

// The issued files as .NET certificates, for code that talks to the cluster over mutual TLS.
public static class TlsFiles
{
    // The CA has no key here on purpose: clients only need it as a trust anchor.
    public static X509Certificate2 LoadCa(ArtifactLayout layout) =>
        X509CertificateLoader.LoadCertificateFromFile(layout.CaCert);

    public static X509Certificate2 LoadClient(ArtifactLayout layout, string clientName) =>
        X509Certificate2.CreateFromPemFile(layout.ClientCert(clientName), layout.ClientKey(clientName));
}
