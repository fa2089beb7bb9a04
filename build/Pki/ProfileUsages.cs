using EtcdForge.Configuration;
using Org.BouncyCastle.Asn1.X509;

namespace EtcdForge.Pki;

// Translates a profile's usages into X.509 key usage bits and extended key usages.
public static class ProfileUsages
{
    // Each usage is either a key usage bit or an extended key usage (ProfileUsagesTests holds every CertUsage to one).
    internal static readonly Dictionary<CertUsage, (int Bit, KeyPurposeID? Purpose)> Meanings = new()
    {
        [CertUsage.DigitalSignature] = (KeyUsage.DigitalSignature, null),
        [CertUsage.ContentCommitment] = (KeyUsage.NonRepudiation, null),
        [CertUsage.KeyEncipherment] = (KeyUsage.KeyEncipherment, null),
        [CertUsage.DataEncipherment] = (KeyUsage.DataEncipherment, null),
        [CertUsage.KeyAgreement] = (KeyUsage.KeyAgreement, null),
        [CertUsage.CertSign] = (KeyUsage.KeyCertSign, null),
        [CertUsage.CrlSign] = (KeyUsage.CrlSign, null),
        [CertUsage.EncipherOnly] = (KeyUsage.EncipherOnly, null),
        [CertUsage.DecipherOnly] = (KeyUsage.DecipherOnly, null),
        [CertUsage.ServerAuth] = (0, KeyPurposeID.id_kp_serverAuth),
        [CertUsage.ClientAuth] = (0, KeyPurposeID.id_kp_clientAuth),
        [CertUsage.CodeSigning] = (0, KeyPurposeID.id_kp_codeSigning),
        [CertUsage.EmailProtection] = (0, KeyPurposeID.id_kp_emailProtection),
        [CertUsage.Timestamping] = (0, KeyPurposeID.id_kp_timeStamping),
        [CertUsage.OcspSigning] = (0, KeyPurposeID.id_kp_OCSPSigning),
    };

    /// <exception cref="ForgeError">a usage is not one of cfssl's words.</exception>
    public static int KeyUsageFor(CertProfile profile, KeyAlgorithm algorithm)
    {
        var bits = profile.Usages.Aggregate(0, (all, word) => all | Meanings[CertUsageWords.Of(word)].Bit);
        // An ECDSA key cannot encrypt, so the RSA-only bits that cfssl profiles carry by habit are left out.
        if (algorithm is KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384)
            bits &= ~(KeyUsage.KeyEncipherment | KeyUsage.DataEncipherment);
        return bits;
    }

    public static IReadOnlyList<KeyPurposeID> ExtendedKeyUsagesFor(CertProfile profile) =>
        profile.Usages.Select(word => Meanings[CertUsageWords.Of(word)].Purpose).OfType<KeyPurposeID>().Distinct().ToList();

    public static string NameOf(string oid) =>
        Meanings.Where(m => m.Value.Purpose?.Id == oid).Select(m => CertUsageWords.WordOf(m.Key)).FirstOrDefault() ?? oid;
}
