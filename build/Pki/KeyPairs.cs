using EtcdForge.Configuration;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace EtcdForge.Pki;

public static class KeyPairs
{
    private static readonly SecureRandom Random = new();

    public static AsymmetricCipherKeyPair Generate(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => GenerateEc(SecObjectIdentifiers.SecP256r1),
        KeyAlgorithm.EcdsaP384 => GenerateEc(SecObjectIdentifiers.SecP384r1),
        KeyAlgorithm.Rsa2048 => GenerateRsa(2048),
        _ => GenerateRsa(4096),
    };

    // From the curve's OID, so the encoded keys name the curve: Go accepts named curves only.
    private static AsymmetricCipherKeyPair GenerateEc(DerObjectIdentifier curve)
    {
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(curve, Random));
        return generator.GenerateKeyPair();
    }

    // The platform's (OpenSSL's) prime search is many times faster than BouncyCastle's: an RSA-4096 key
    // takes well under a second instead of several.
    private static AsymmetricCipherKeyPair GenerateRsa(int bits)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(bits);
        var key = (RsaPrivateCrtKeyParameters)PrivateKeyFactory.CreateKey(rsa.ExportPkcs8PrivateKey());
        return new AsymmetricCipherKeyPair(new RsaKeyParameters(false, key.Modulus, key.PublicExponent), key);
    }

    /// <returns>null for keys this tool never creates (other curves or RSA sizes).</returns>
    public static KeyAlgorithm? AlgorithmOf(AsymmetricKeyParameter publicKey) => publicKey switch
    {
        ECPublicKeyParameters ec => ec.Parameters.Curve.FieldSize switch
        {
            256 => KeyAlgorithm.EcdsaP256,
            384 => KeyAlgorithm.EcdsaP384,
            _ => null,
        },
        RsaKeyParameters rsa => rsa.Modulus.BitLength switch
        {
            2048 => KeyAlgorithm.Rsa2048,
            4096 => KeyAlgorithm.Rsa4096,
            _ => null,
        },
        _ => null,
    };

    public static string Describe(AsymmetricKeyParameter publicKey) => publicKey switch
    {
        _ when AlgorithmOf(publicKey) is { } known => known.Name(),
        ECPublicKeyParameters ec => $"ecdsa-{ec.Parameters.Curve.FieldSize}",
        RsaKeyParameters rsa => $"rsa-{rsa.Modulus.BitLength}",
        _ => publicKey.GetType().Name,
    };

    // The signature follows the signing key, which may be an older CA's algorithm kept on purpose.
    public static string SignatureAlgorithmFor(AsymmetricKeyParameter signingKey) => signingKey switch
    {
        ECKeyParameters { Parameters.Curve.FieldSize: > 256 } => "SHA384WITHECDSA",
        ECKeyParameters => "SHA256WITHECDSA",
        _ => "SHA256WITHRSA",
    };

    // A signature round trip works the same for every key type, unlike comparing key parameters.
    public static bool Matches(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey)
    {
        if (!privateKey.IsPrivate || publicKey.IsPrivate) return false;
        var message = new byte[32];
        Random.NextBytes(message);
        try
        {
            var algorithm = SignatureAlgorithmFor(privateKey);
            var signer = SignerUtilities.GetSigner(algorithm);
            signer.Init(true, new ParametersWithRandom(privateKey, Random));
            signer.BlockUpdate(message, 0, message.Length);
            var signature = signer.GenerateSignature();
            var verifier = SignerUtilities.GetSigner(algorithm);
            verifier.Init(false, publicKey);
            verifier.BlockUpdate(message, 0, message.Length);
            return verifier.VerifySignature(signature);
        }
        catch (Exception ex) when (ex is InvalidKeyException or ArgumentException or CryptoException)
        {
            return false;
        }
    }
}
