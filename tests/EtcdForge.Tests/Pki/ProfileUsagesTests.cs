using EtcdForge.Configuration;
using EtcdForge.Pki;
using Org.BouncyCastle.Asn1.X509;

namespace EtcdForge.Tests.Pki;

public sealed class ProfileUsagesTests
{
    // The description accepts every CertUsage (CertUsageWords); each must issue as exactly one X.509 key usage bit
    // or one extended key usage, or a validated profile would fail at issue time.
    [Fact]
    public void Every_usage_the_description_accepts_has_one_x509_meaning()
    {
        foreach (var usage in Enum.GetValues<CertUsage>())
        {
            Assert.True(ProfileUsages.Meanings.TryGetValue(usage, out var meaning), $"{usage} has no X.509 meaning");
            Assert.True(meaning.Bit != 0 ^ meaning.Purpose is not null, $"{usage}: a key usage bit or an extended usage, not both");
        }
    }

    [Fact]
    public void A_profile_turns_into_bits_and_extended_usages_and_back_into_cfssl_words()
    {
        var profile = new CertProfile(TimeSpan.FromDays(1), ["signing", "key encipherment", "server auth", "Client Auth"]);

        Assert.Equal(KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment, ProfileUsages.KeyUsageFor(profile, KeyAlgorithm.Rsa2048));
        // An ECDSA key cannot encrypt: the RSA-only bit is left out.
        Assert.Equal(KeyUsage.DigitalSignature, ProfileUsages.KeyUsageFor(profile, KeyAlgorithm.EcdsaP256));
        var extended = ProfileUsages.ExtendedKeyUsagesFor(profile);
        Assert.Equal(["server auth", "client auth"], extended.Select(e => ProfileUsages.NameOf(e.Id)));
        Assert.Equal("1.2.3.4", ProfileUsages.NameOf("1.2.3.4"));
    }
}
