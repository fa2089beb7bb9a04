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
        var changes = new List<PkiChange>();
        foreach (var (spec, change) in Needed(ca, now, renewAll))
        {
            if (change.Action == PrivateKeyMode.Action) PrivateKeyMode.Tighten(spec.KeyPath);
            else Write(LeafCertificates.Issue(ca, spec, pki.KeyAlgorithm, now), spec);
            changes.Add(change);
        }
        return changes;
    }

    // What Run would change, without writing: Plan's view. A CA that does not exist yet (null) is about to be
    // created, so every certificate would be issued by it.
    public IReadOnlyList<PkiChange> Forecast(CertificateAuthority? ca, bool renewAll = false) => ca is null
        ? [.. CertificatePlan.For(layout, pki, nodes).Select(spec => File.Exists(spec.CertPath)
            ? new PkiChange(spec.FileName, "reissued", "the CA is new")
            : new PkiChange(spec.FileName, "issued"))]
        : [.. Needed(ca, clock.GetUtcNow(), renewAll).Select(n => n.Change)];

    // The rule, in one place: missing certificates are issued, drifted ones reissued with their reasons, fitting
    // ones kept (only a loose key mode is tightened).
    private IEnumerable<(CertificateSpec Spec, PkiChange Change)> Needed(CertificateAuthority ca, DateTimeOffset now, bool renewAll)
    {
        var drift = new CertificateDrift(ca, pki, now);
        foreach (var spec in CertificatePlan.For(layout, pki, nodes))
        {
            if (!File.Exists(spec.CertPath))
            {
                yield return (spec, new PkiChange(spec.FileName, "issued"));
                continue;
            }
            var reasons = drift.ReasonsToReissue(spec);
            if (renewAll && reasons.Count == 0) reasons = ["renewal forced (--force)"];
            if (reasons.Count > 0) yield return (spec, new PkiChange(spec.FileName, "reissued", string.Join("; ", reasons)));
            else if (PrivateKeyMode.Needed(spec.KeyPath) is { } modeChange) yield return (spec, modeChange);
        }
    }

    // Key first: if the run stops in between, the next run sees a key that does not match and reissues.
    private static void Write(IssuedCertificate issued, CertificateSpec spec)
    {
        AtomicFile.Write(spec.KeyPath, PemFiles.Encode(issued.PrivateKey), AtomicFile.PrivateMode);
        AtomicFile.Write(spec.CertPath, PemFiles.Encode(issued.Certificate), AtomicFile.PublicMode);
    }
}
