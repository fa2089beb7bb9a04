using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace EtcdForge.Pki;

// Creates the cluster's root CA once. An existing CA is always kept: every certificate a running cluster
// trusts chains to it, so replacing it must be the user's explicit decision.
public sealed class CaInitialization(ArtifactLayout layout, PkiSettings pki, TimeProvider clock)
{
    public sealed record Result(CertificateAuthority Authority, IReadOnlyList<PkiChange> Changes, IReadOnlyList<string> Warnings);

    /// <exception cref="ForgeError">an existing CA is incomplete or its key does not match.</exception>
    public Result Run()
    {
        if (File.Exists(layout.CaCert) || File.Exists(layout.CaKey))
        {
            var existing = CertificateAuthority.Load(layout);
            var changes = new List<PkiChange>();
            if (PrivateKeyMode.Tighten(layout.CaKey) is { } modeChange) changes.Add(modeChange);
            return new Result(existing, changes, WarningsAbout(existing.Certificate));
        }
        var created = Create();
        // Key first: a crash between the two writes leaves a key without certificate, which Load refuses
        // rather than silently minting a second CA.
        AtomicFile.Write(layout.CaKey, PemFiles.Encode(created.PrivateKey), AtomicFile.PrivateMode);
        AtomicFile.Write(layout.CaCert, PemFiles.Encode(created.Certificate), AtomicFile.PublicMode);
        return new Result(created, [new PkiChange(Path.GetFileName(layout.CaCert), "created", $"{pki.KeyAlgorithm.Name()}, valid until {created.Certificate.NotAfter:yyyy-MM-dd}")], []);
    }

    // What Run would do, without writing: Plan's view. A broken CA stops Plan with the same error as InitCa.
    public (CertificateAuthority? Existing, PkiChange? Change) Forecast()
    {
        if (!File.Exists(layout.CaCert) && !File.Exists(layout.CaKey))
        {
            return (null, new PkiChange(Path.GetFileName(layout.CaCert), "created", pki.KeyAlgorithm.Name()));
        }
        return (CertificateAuthority.Load(layout), PrivateKeyMode.Needed(layout.CaKey));
    }

    private CertificateAuthority Create()
    {
        var keys = KeyPairs.Generate(pki.KeyAlgorithm);
        var now = clock.GetUtcNow().UtcDateTime;
        var name = DistinguishedNames.From(pki.CaSubject);
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(CertificateFields.NewSerial());
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(now - CertificateFields.ClockSkewAllowance);
        generator.SetNotAfter(now + pki.CaValidity);
        generator.SetPublicKey(keys.Public);
        // pathlen 0: this CA signs node and client certificates only, never another CA.
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keys.Public));
        var certificate = generator.Generate(new Asn1SignatureFactory(KeyPairs.SignatureAlgorithmFor(keys.Private), keys.Private));
        return new CertificateAuthority(certificate, keys.Private);
    }

    private List<string> WarningsAbout(X509Certificate ca)
    {
        var warnings = new List<string>();
        var now = clock.GetUtcNow().UtcDateTime;
        var file = Path.GetFileName(layout.CaCert);
        if (ca.NotAfter <= now)
            warnings.Add($"{file} expired on {ca.NotAfter:yyyy-MM-dd}; the cluster's TLS fails until a new CA is rolled out ({CertificateAuthority.StartOverHint(layout)})");
        else if (ca.NotAfter - now <= pki.RenewBefore)
            warnings.Add($"{file} expires on {ca.NotAfter:yyyy-MM-dd}, within renewBefore; plan a CA rotation (it is kept as is)");
        var actual = KeyPairs.Describe(ca.GetPublicKey());
        if (actual != pki.KeyAlgorithm.Name())
            warnings.Add($"{file} uses {actual} but the configuration asks for {pki.KeyAlgorithm.Name()}; the existing CA is kept");
        return warnings;
    }
}
