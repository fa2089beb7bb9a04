using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EtcdForge.Client;

// The files a client presents to etcd: the cluster's CA to trust, and optionally a certificate and key.
// Without a certificate it is the "anonymous" client that Verify expects etcd to refuse.
public sealed record TlsIdentity(string CaCertFile, string? CertFile, string? KeyFile)
{
    // Every certificate in the file: during a CA rotation it holds the old and the new CA.
    public X509Certificate2Collection LoadCas()
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(CaCertFile);
        return all;
    }

    public X509Certificate2? LoadCertificate()
    {
        if (CertFile is null || KeyFile is null) return null;
        using var pem = X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
        // Re-import: on Linux an ephemeral PEM key cannot always be used by SslStream for client auth.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public void Apply(SslClientAuthenticationOptions options)
    {
        var cas = LoadCas();
        if (LoadCertificate() is { } cert) options.ClientCertificates = [cert];
        options.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        options.CertificateChainPolicy.CustomTrustStore.AddRange(cas);
        options.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
    }

    public HttpClientHandler HttpHandler()
    {
        var handler = new HttpClientHandler();
        var cas = LoadCas();
        if (LoadCertificate() is { } cert) handler.ClientCertificates.Add(cert);
        handler.ServerCertificateCustomValidationCallback = (_, serverCert, _, _) =>
        {
            if (serverCert is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.AddRange(cas);
            return chain.Build(serverCert);
        };
        return handler;
    }
}
