namespace EtcdForge.Configuration;

// The certificate usages a profile can ask for, as cfssl's profiles name them; Pki turns each into X.509 bits.
public enum CertUsage
{
    DigitalSignature,
    ContentCommitment,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    CertSign,
    CrlSign,
    EncipherOnly,
    DecipherOnly,
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
    Timestamping,
    OcspSigning,
}

// cfssl's words for them, which ca-config.json uses ("signing" and "digital signature" are one usage).
public static class CertUsageWords
{
    private static readonly Dictionary<string, CertUsage> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["signing"] = CertUsage.DigitalSignature,
        ["digital signature"] = CertUsage.DigitalSignature,
        ["content commitment"] = CertUsage.ContentCommitment,
        ["key encipherment"] = CertUsage.KeyEncipherment,
        ["data encipherment"] = CertUsage.DataEncipherment,
        ["key agreement"] = CertUsage.KeyAgreement,
        ["cert sign"] = CertUsage.CertSign,
        ["crl sign"] = CertUsage.CrlSign,
        ["encipher only"] = CertUsage.EncipherOnly,
        ["decipher only"] = CertUsage.DecipherOnly,
        ["server auth"] = CertUsage.ServerAuth,
        ["client auth"] = CertUsage.ClientAuth,
        ["code signing"] = CertUsage.CodeSigning,
        ["email protection"] = CertUsage.EmailProtection,
        ["timestamping"] = CertUsage.Timestamping,
        ["ocsp signing"] = CertUsage.OcspSigning,
    };

    public static bool IsKnown(string word) => Words.ContainsKey(word);

    public static string Known => string.Join(", ", Words.Keys.Select(w => $"\"{w}\""));

    /// <exception cref="ForgeError">the word is not one of cfssl's (validation refuses those first).</exception>
    public static CertUsage Of(string word) => Words.TryGetValue(word, out var usage) ? usage : throw new ForgeError(
        $"certificate usage \"{word}\" is not a cfssl usage; use e.g. \"signing\", \"key encipherment\", \"server auth\", \"client auth\"");

    /// <summary>The word a report shows for a usage: the first cfssl spelling.</summary>
    public static string WordOf(CertUsage usage) => Words.First(w => w.Value == usage).Key;
}
