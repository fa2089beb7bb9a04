using EtcdForge.Configuration;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace EtcdForge.Pki;

public sealed record IssuedCertificate(X509Certificate Certificate, AsymmetricKeyParameter PrivateKey);

// Signs node and client certificates with a fresh key each time, so a reissue also rotates the key.
public static class LeafCertificates
{
    public static IssuedCertificate Issue(CertificateAuthority ca, CertificateSpec spec, KeyAlgorithm algorithm, DateTimeOffset now)
    {
        var keys = KeyPairs.Generate(algorithm);
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(CertificateFields.NewSerial());
        generator.SetIssuerDN(ca.Certificate.SubjectDN);
        generator.SetSubjectDN(DistinguishedNames.From(spec.Subject));
        generator.SetNotBefore(now.UtcDateTime - CertificateFields.ClockSkewAllowance);
        generator.SetNotAfter(now.UtcDateTime + spec.Profile.Validity);
        generator.SetPublicKey(keys.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(ProfileUsages.KeyUsageFor(spec.Profile, algorithm)));
        var extended = ProfileUsages.ExtendedKeyUsagesFor(spec.Profile);
        if (extended.Count > 0)
            generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(extended));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keys.Public));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, AuthorityKeyIdFor(ca.Certificate));
        if (spec.Sans.Count > 0)
            generator.AddExtension(X509Extensions.SubjectAlternativeName, false, SubjectAltNames.Encode(spec.Sans));
        var certificate = generator.Generate(new Asn1SignatureFactory(KeyPairs.SignatureAlgorithmFor(ca.PrivateKey), ca.PrivateKey));
        return new IssuedCertificate(certificate, keys.Private);
    }

    // Key id only, taken from the CA's own SKI when it has one (an adopted cfssl CA may compute it differently):
    // issuer name and serial in the AKI would tie leaves to this exact CA certificate rather than its key.
    private static AuthorityKeyIdentifier AuthorityKeyIdFor(X509Certificate ca)
    {
        var ski = ca.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        var keyId = ski is null
            ? X509ExtensionUtilities.CreateSubjectKeyIdentifier(ca.GetPublicKey()).GetKeyIdentifier()
            : SubjectKeyIdentifier.GetInstance(X509ExtensionUtilities.FromExtensionValue(ski)).GetKeyIdentifier();
        return new AuthorityKeyIdentifier(keyId);
    }
}
