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
        var changes = new List<PkiChange>();
        if (CompleteInterruptedCreation() is { } completed) changes.Add(completed);
        // A rotation stopped while its new CA was being made the current one: finish that first, so the CA
        // loaded below is whole (the only place the current CA is ever replaced, see CaRotation).
        if (new CaRotation(layout, pki, clock).CompleteInterruptedPromotion() is { } promoted) changes.Add(promoted);
        if (File.Exists(layout.CaCert) || File.Exists(layout.CaKey))
        {
            var existing = CertificateAuthority.Load(layout);
            if (PrivateKeyMode.Tighten(layout.CaKey) is { } modeChange) changes.Add(modeChange);
            return new Result(existing, changes, WarningsAbout(existing.Certificate));
        }
        var created = Create(pki, clock);
        // Both files are complete on disk before either gets its real name: the certificate as Pending, then the
        // key, then the certificate's rename. A crash before the key's rename leaves neither (the next run makes
        // a CA); after it, the key and the pending certificate, which the next run completes. Never a key beside
        // a certificate it does not belong to.
        AtomicFile.Write(Pending, PemFiles.Encode(created.Certificate), AtomicFile.PublicMode);
        AtomicFile.Write(layout.CaKey, PemFiles.Encode(created.PrivateKey), AtomicFile.PrivateMode);
        File.Move(Pending, layout.CaCert);
        return new Result(created, [.. changes, new PkiChange(Path.GetFileName(layout.CaCert), "created", $"{pki.KeyAlgorithm.Name()}, valid until {created.Certificate.NotAfter:yyyy-MM-dd}")], []);
    }

    private string Pending => Path.Combine(layout.Pki, $".{Path.GetFileName(layout.CaCert)}.pending");

    private PkiChange? CompleteInterruptedCreation()
    {
        if (!File.Exists(Pending)) return null;
        if (!File.Exists(layout.CaCert) && File.Exists(layout.CaKey) && BelongTogether(layout.CaKey, Pending))
        {
            File.Move(Pending, layout.CaCert);
            return new PkiChange(Path.GetFileName(layout.CaCert), "completed", "an interrupted run had written the CA's key but not yet its certificate");
        }
        File.Delete(Pending);
        return null;
    }

    private static bool BelongTogether(string keyPath, string certPath)
    {
        try
        {
            return KeyPairs.Matches(PemFiles.ReadPrivateKey(keyPath), PemFiles.ReadCertificate(certPath).GetPublicKey());
        }
        catch (InvalidDataException)
        {
            return false;
        }
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

    // Also the next CA of a rotation (CaRotation.Begin): same subject and profile, a new key.
    internal static CertificateAuthority Create(PkiSettings pki, TimeProvider clock)
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
        else if (pki.DueForRenewal(ca.NotAfter, now))
            warnings.Add($"{file} expires on {ca.NotAfter:yyyy-MM-dd}, within renewBefore; run --target=RotateCa (it is kept until then)");
        var actual = KeyPairs.Describe(ca.GetPublicKey());
        if (actual != pki.KeyAlgorithm.Name())
            warnings.Add($"{file} uses {actual} but the configuration asks for {pki.KeyAlgorithm.Name()}; the existing CA is kept");
        return warnings;
    }
}
