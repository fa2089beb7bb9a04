using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Pki;

// Brings every node and client certificate in line with the configuration: missing ones are issued,
// drifted ones reissued with their reasons, fitting ones left untouched (not even rewritten).
public sealed class CertificateIssuance(ArtifactLayout layout, PkiSettings pki, IReadOnlyList<Node> nodes, TimeProvider clock)
{
    /// <param name="renewAll">renew every leaf now (RenewCerts --force), even those that still fit.</param>
    public IReadOnlyList<PkiChange> Run(CertificateAuthority ca, bool renewAll = false)
    {
        var now = clock.GetUtcNow();
        var drift = new CertificateDrift(ca, pki.KeyAlgorithm, pki.RenewBefore, now);
        var changes = new List<PkiChange>();
        foreach (var spec in CertificatePlan.For(layout, pki, nodes))
        {
            if (!File.Exists(spec.CertPath))
            {
                Write(LeafCertificates.Issue(ca, spec, pki.KeyAlgorithm, now), spec);
                changes.Add(new PkiChange(spec.FileName, "issued"));
                continue;
            }
            var reasons = drift.ReasonsToReissue(spec);
            if (renewAll && reasons.Count == 0) reasons = ["renewal forced (--force)"];
            if (reasons.Count > 0)
            {
                Write(LeafCertificates.Issue(ca, spec, pki.KeyAlgorithm, now), spec);
                changes.Add(new PkiChange(spec.FileName, "reissued", string.Join("; ", reasons)));
            }
            else if (PrivateKeyMode.Tighten(spec.KeyPath) is { } modeChange)
            {
                changes.Add(modeChange);
            }
        }
        return changes;
    }

    // Key first: if the run stops in between, the next run sees a key that does not match and reissues.
    private static void Write(IssuedCertificate issued, CertificateSpec spec)
    {
        AtomicFile.Write(spec.KeyPath, PemFiles.Encode(issued.PrivateKey), AtomicFile.PrivateMode);
        AtomicFile.Write(spec.CertPath, PemFiles.Encode(issued.Certificate), AtomicFile.PublicMode);
    }
}
