using System.Net;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace EtcdForge.Pki;

// A certificate's subject alternative names as the description writes them, an IP address or a DNS name: encoded
// for issuing, and read back (canonical) to see whether an existing certificate still has the wanted ones.
public static class SubjectAltNames
{
    public static GeneralNames Encode(IEnumerable<string> sans) => new(sans.Select(san => IPAddress.TryParse(san, out var ip)
        ? new GeneralName(GeneralName.IPAddress, new DerOctetString(ip.GetAddressBytes()))
        : new GeneralName(GeneralName.DnsName, san)).ToArray());

    public static IEnumerable<string> Of(X509Certificate certificate)
    {
        var extension = certificate.GetExtensionValue(X509Extensions.SubjectAlternativeName);
        if (extension is null) return [];
        return GeneralNames.GetInstance(X509ExtensionUtilities.FromExtensionValue(extension)).GetNames().Select(name => name.TagNo switch
        {
            GeneralName.IPAddress => new IPAddress(Asn1OctetString.GetInstance(name.Name).GetOctets()).ToString(),
            GeneralName.DnsName => CertificatePlan.CanonicalSan(DerIA5String.GetInstance(name.Name).GetString()),
            _ => name.ToString(),
        });
    }
}
