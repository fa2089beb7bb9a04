using EtcdForge.Artifacts;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Security.Certificates;
using Org.BouncyCastle.X509;

namespace EtcdForge.Pki;

// The cluster's root CA as the signer of node and client certificates.
public sealed class CertificateAuthority(X509Certificate certificate, AsymmetricKeyParameter privateKey)
{
    public X509Certificate Certificate { get; } = certificate;
    public AsymmetricKeyParameter PrivateKey { get; } = privateKey;

    public static string StartOverHint(ArtifactLayout layout) =>
        $"replacing the CA breaks a running cluster; to start over on purpose, delete {layout.Pki}";

    /// <exception cref="ForgeError">the CA files are missing, unreadable or do not belong together.</exception>
    public static CertificateAuthority Load(ArtifactLayout layout)
    {
        if (!File.Exists(layout.CaCert))
        {
            if (File.Exists(layout.CaKey))
                throw new ForgeError($"{layout.CaKey} exists without its certificate {layout.CaCert}; refusing to create a new CA over it: {StartOverHint(layout)}");
            throw new ForgeError($"{layout.CaCert} not found; run --target=InitCa first");
        }
        var certificate = Read(layout.CaCert, PemFiles.ReadCertificate);
        if (!File.Exists(layout.CaKey))
            throw new ForgeError($"{layout.CaCert} exists but its key {layout.CaKey} is missing; restore the key: {StartOverHint(layout)}");
        var key = Read(layout.CaKey, PemFiles.ReadPrivateKey);
        if (!KeyPairs.Matches(key, certificate.GetPublicKey()))
            throw new ForgeError($"{layout.CaKey} does not match {layout.CaCert}; restore the CA's own key: {StartOverHint(layout)}");
        return new CertificateAuthority(certificate, key);
    }

    public bool Signed(X509Certificate certificate)
    {
        if (!certificate.IssuerDN.Equivalent(Certificate.SubjectDN)) return false;
        try
        {
            certificate.Verify(Certificate.GetPublicKey());
            return true;
        }
        catch (Exception ex) when (ex is InvalidKeyException or SignatureException or CertificateException or ArgumentException)
        {
            return false;
        }
    }

    private static T Read<T>(string path, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (InvalidDataException ex)
        {
            throw new ForgeError($"{ex.Message}; repair or restore it (replacing the CA breaks a running cluster)");
        }
    }
}
