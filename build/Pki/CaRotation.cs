using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Pki;

// Where a CA rotation stands on disk (pki/rotation/, see CaRotation).
public enum CaStage
{
    /// <summary>No rotation under way: one CA.</summary>
    None,
    /// <summary>Phase 1: a next CA beside the current one; members and clients are to trust both.</summary>
    NextCreated,
    /// <summary>Phases 2 and 3: the new CA is the current one and signs; the previous one is still trusted.</summary>
    Promoted,
}

// The files of a CA rotation in pki/. The current CA (etcd-root-ca.pem) always signs; beside it, in
// pki/rotation/, the next CA (phase 1) or the previous one (phases 2 and 3), and the trust bundle of both
// that members and clients trust meanwhile. The bundle lists the old CA first in both stages, so its bytes
// do not change when the new CA becomes the signer: phase 2 restarts nothing.
// This is the only code that replaces the current CA (InitCa never does).
public sealed class CaRotation(ArtifactLayout layout, PkiSettings pki, TimeProvider clock)
{
    public CaStage Stage => File.Exists(layout.PreviousCaCert) ? CaStage.Promoted
        : File.Exists(layout.NextCaCert) ? CaStage.NextCreated
        : CaStage.None;

    /// <summary>A rotation is asked for: forced (RotateCa --force), or the current CA is due. Only read when none is under way.</summary>
    public bool Requested(bool force) => force || Due(CertificateAuthority.Load(layout));

    /// <summary>The current CA is within renewBefore of its expiry.</summary>
    public bool Due(CertificateAuthority current) => pki.DueForRenewal(current.Certificate.NotAfter, clock.GetUtcNow().UtcDateTime);

    /// <summary>Phase 1: a new CA beside the current one, and the trust bundle of both.</summary>
    public PkiChange Begin(CertificateAuthority current)
    {
        Directory.CreateDirectory(layout.Rotation);
        var next = CaInitialization.Create(pki, clock);
        // Key first: a certificate never stands beside a key it does not belong to; a lone key is replaced.
        AtomicFile.Write(layout.NextCaKey, PemFiles.Encode(next.PrivateKey), AtomicFile.PrivateMode);
        AtomicFile.Write(layout.NextCaCert, PemFiles.Encode(next.Certificate), AtomicFile.PublicMode);
        WriteTrustBundle(current, next);
        return new PkiChange("rotation/next-ca.pem", "created", $"new CA valid until {next.Certificate.NotAfter:yyyy-MM-dd}; trusted beside the current one");
    }

    /// <summary>Phase 2: the next CA becomes the current one (the signer); the old one is kept as previous.</summary>
    public PkiChange Promote(CertificateAuthority current)
    {
        var next = Load(layout.NextCaCert, layout.NextCaKey);
        WriteTrustBundle(current, next);
        AtomicFile.Write(layout.PreviousCaKey, PemFiles.Encode(current.PrivateKey), AtomicFile.PrivateMode);
        AtomicFile.Write(layout.PreviousCaCert, PemFiles.Encode(current.Certificate), AtomicFile.PublicMode);
        return CompleteInterruptedPromotion() ?? throw new InvalidOperationException("promotion left no next CA to complete");
    }

    // Both the previous and the next CA on disk: a promotion began (previous saved) and did not finish. The
    // current files may be half replaced, so they are written from next again; next goes last.
    public PkiChange? CompleteInterruptedPromotion()
    {
        if (!File.Exists(layout.PreviousCaCert) || !File.Exists(layout.NextCaCert) || !File.Exists(layout.NextCaKey)) return null;
        var next = Load(layout.NextCaCert, layout.NextCaKey);
        AtomicFile.Write(layout.CaKey, PemFiles.Encode(next.PrivateKey), AtomicFile.PrivateMode);
        AtomicFile.Write(layout.CaCert, PemFiles.Encode(next.Certificate), AtomicFile.PublicMode);
        File.Delete(layout.NextCaCert);
        File.Delete(layout.NextCaKey);
        return new PkiChange(Path.GetFileName(layout.CaCert), "replaced", "CA rotation: the new CA signs from now on; the old one stays trusted until phase 3");
    }

    /// <summary>Phase 3: the old CA leaves the trust bundle and is archived under pki/retired/.</summary>
    public PkiChange Retire()
    {
        var previous = PemFiles.ReadCertificate(layout.PreviousCaCert);
        var archive = Path.Combine(layout.Retired, $"{previous.SerialNumber.ToString(16)}");
        Directory.CreateDirectory(archive);
        // Copy before delete, certificate of the rotation deleted last: a run stopped in between sees the
        // previous CA still there and retires it again (the archive is written with the same bytes).
        if (File.Exists(layout.PreviousCaKey))
        {
            AtomicFile.Write(Path.Combine(archive, "ca-key.pem"), File.ReadAllBytes(layout.PreviousCaKey), AtomicFile.PrivateMode);
            AtomicFile.Write(Path.Combine(archive, "ca.pem"), File.ReadAllBytes(layout.PreviousCaCert), AtomicFile.PublicMode);
        }
        File.Delete(layout.RotationTrustBundle);
        File.Delete(layout.PreviousCaKey);
        File.Delete(layout.PreviousCaCert);
        if (Directory.Exists(layout.Rotation) && !Directory.EnumerateFileSystemEntries(layout.Rotation).Any()) Directory.Delete(layout.Rotation);
        return new PkiChange($"retired/{Path.GetFileName(archive)}/ca.pem", "archived", "CA rotation: the old CA is no longer trusted; its key is kept, not deleted");
    }

    /// <summary>The CA waiting to be trusted (phase 1), to sign a probe client certificate.</summary>
    public CertificateAuthority Next() => Load(layout.NextCaCert, layout.NextCaKey);

    private void WriteTrustBundle(CertificateAuthority old, CertificateAuthority @new) =>
        AtomicFile.WriteIfChanged(layout.RotationTrustBundle, [.. PemFiles.Encode(old.Certificate), .. PemFiles.Encode(@new.Certificate)], AtomicFile.PublicMode);

    private static CertificateAuthority Load(string cert, string key)
    {
        var certificate = PemFiles.ReadCertificate(cert);
        var privateKey = PemFiles.ReadPrivateKey(key);
        if (!KeyPairs.Matches(privateKey, certificate.GetPublicKey()))
            throw new ForgeError($"{key} does not match {cert}; restore it from a backup or delete both to start this rotation over");
        return new CertificateAuthority(certificate, privateKey);
    }
}
