using EtcdForge.Configuration;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace EtcdForge.Pki;

// Explains why an existing certificate no longer fits its spec; no reasons means it is kept as is.
public sealed class CertificateDrift(CertificateAuthority ca, PkiSettings pki, DateTimeOffset now)
{
    public IReadOnlyList<string> ReasonsToReissue(CertificateSpec spec)
    {
        X509Certificate certificate;
        try
        {
            certificate = PemFiles.ReadCertificate(spec.CertPath);
        }
        catch (InvalidDataException)
        {
            return ["certificate unreadable"];
        }
        var reasons = new List<string>();
        if (!ca.Signed(certificate)) reasons.Add("not signed by the current CA");
        if (KeyFileProblem(spec, certificate) is { } keyProblem) reasons.Add(keyProblem);
        var actualAlgorithm = KeyPairs.Describe(certificate.GetPublicKey());
        if (actualAlgorithm != pki.KeyAlgorithm.Name()) reasons.Add($"key algorithm differs: {actualAlgorithm} -> {pki.KeyAlgorithm.Name()}");
        var wantedSubject = DistinguishedNames.From(spec.Subject);
        if (!certificate.SubjectDN.Equivalent(wantedSubject)) reasons.Add($"subject differs: {certificate.SubjectDN} -> {wantedSubject}");
        if (SetDifference(SubjectAltNames.Of(certificate), spec.Sans) is { } sans) reasons.Add($"SANs differ: {sans}");
        var wantedExtended = ProfileUsages.ExtendedKeyUsagesFor(spec.Profile).Select(k => ProfileUsages.NameOf(k.Id));
        var actualExtended = (certificate.GetExtendedKeyUsage() ?? []).Select(oid => ProfileUsages.NameOf(oid.Id));
        if (SetDifference(actualExtended, wantedExtended) is { } extended) reasons.Add($"extended key usages differ: {extended}");
        if (KeyUsageOf(certificate) != ProfileUsages.KeyUsageFor(spec.Profile, pki.KeyAlgorithm)) reasons.Add("key usage differs from the profile");
        if (certificate.NotAfter <= now.UtcDateTime) reasons.Add($"expired on {certificate.NotAfter:yyyy-MM-dd}");
        else if (pki.DueForRenewal(certificate.NotAfter, now.UtcDateTime)) reasons.Add($"expires on {certificate.NotAfter:yyyy-MM-dd}, within renewBefore");
        return reasons;
    }

    private static string? KeyFileProblem(CertificateSpec spec, X509Certificate certificate)
    {
        if (!File.Exists(spec.KeyPath)) return $"key file {Path.GetFileName(spec.KeyPath)} missing";
        try
        {
            var key = PemFiles.ReadPrivateKey(spec.KeyPath);
            return KeyPairs.Matches(key, certificate.GetPublicKey()) ? null : $"key file {Path.GetFileName(spec.KeyPath)} does not match";
        }
        catch (InvalidDataException)
        {
            return $"key file {Path.GetFileName(spec.KeyPath)} unreadable";
        }
    }

    // "+added -removed", relative to what the certificate has now; null when both sets are equal.
    private static string? SetDifference(IEnumerable<string> actual, IEnumerable<string> wanted)
    {
        var have = actual.ToHashSet();
        var want = wanted.ToHashSet();
        var changes = want.Except(have).Order().Select(s => $"+{s}")
            .Concat(have.Except(want).Order().Select(s => $"-{s}"))
            .ToList();
        return changes.Count == 0 ? null : string.Join(" ", changes);
    }

    private static int KeyUsageOf(X509Certificate certificate)
    {
        var extension = certificate.GetExtensionValue(X509Extensions.KeyUsage);
        return extension is null ? 0 : KeyUsage.GetInstance(X509ExtensionUtilities.FromExtensionValue(extension)).IntValue;
    }
}
