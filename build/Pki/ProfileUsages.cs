using EtcdForge.Configuration;
using Org.BouncyCastle.Asn1.X509;

namespace EtcdForge.Pki;

// Translates cfssl's usage words into X.509 key usage bits and extended key usages.
public static class ProfileUsages
{
    private static readonly Dictionary<string, int> KeyUsageBits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["signing"] = KeyUsage.DigitalSignature,
        ["digital signature"] = KeyUsage.DigitalSignature,
        ["content commitment"] = KeyUsage.NonRepudiation,
        ["key encipherment"] = KeyUsage.KeyEncipherment,
        ["data encipherment"] = KeyUsage.DataEncipherment,
        ["key agreement"] = KeyUsage.KeyAgreement,
        ["cert sign"] = KeyUsage.KeyCertSign,
        ["crl sign"] = KeyUsage.CrlSign,
        ["encipher only"] = KeyUsage.EncipherOnly,
        ["decipher only"] = KeyUsage.DecipherOnly,
    };

    private static readonly Dictionary<string, KeyPurposeID> ExtendedUsages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["server auth"] = KeyPurposeID.id_kp_serverAuth,
        ["client auth"] = KeyPurposeID.id_kp_clientAuth,
        ["code signing"] = KeyPurposeID.id_kp_codeSigning,
        ["email protection"] = KeyPurposeID.id_kp_emailProtection,
        ["timestamping"] = KeyPurposeID.id_kp_timeStamping,
        ["ocsp signing"] = KeyPurposeID.id_kp_OCSPSigning,
    };

    public static bool IsKnown(string usage) => KeyUsageBits.ContainsKey(usage) || ExtendedUsages.ContainsKey(usage);

    public static string Known => string.Join(", ", KeyUsageBits.Keys.Concat(ExtendedUsages.Keys).Select(u => $"\"{u}\""));

    /// <exception cref="ForgeError">a usage is not one of cfssl's words.</exception>
    public static int KeyUsageFor(CertProfile profile, KeyAlgorithm algorithm)
    {
        var bits = 0;
        foreach (var usage in profile.Usages)
        {
            if (KeyUsageBits.TryGetValue(usage, out var bit)) bits |= bit;
            else if (!ExtendedUsages.ContainsKey(usage)) throw UnknownUsage(usage);
        }
        // An ECDSA key cannot encrypt, so the RSA-only bits that cfssl profiles carry by habit are left out.
        if (algorithm is KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384)
            bits &= ~(KeyUsage.KeyEncipherment | KeyUsage.DataEncipherment);
        return bits;
    }

    public static IReadOnlyList<KeyPurposeID> ExtendedKeyUsagesFor(CertProfile profile) =>
        profile.Usages.Where(ExtendedUsages.ContainsKey).Select(u => ExtendedUsages[u]).Distinct().ToList();

    public static string NameOf(string oid) =>
        ExtendedUsages.FirstOrDefault(p => p.Value.Id == oid).Key ?? oid;

    private static ForgeError UnknownUsage(string usage) => new(
        $"certificate usage \"{usage}\" is not a cfssl usage; use e.g. \"signing\", \"key encipherment\", \"server auth\", \"client auth\"");
}
