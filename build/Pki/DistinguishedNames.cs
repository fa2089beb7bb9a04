using EtcdForge.Configuration;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace EtcdForge.Pki;

public static class DistinguishedNames
{
    public static X509Name From(Subject subject)
    {
        var oids = new List<DerObjectIdentifier>();
        var values = new List<string>();
        void Add(DerObjectIdentifier oid, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            oids.Add(oid);
            values.Add(value);
        }
        // Most significant first, as openssl and cfssl print them.
        Add(X509Name.C, subject.Country);
        Add(X509Name.ST, subject.State);
        Add(X509Name.L, subject.Locality);
        Add(X509Name.O, subject.Organization);
        Add(X509Name.OU, subject.OrganizationalUnit);
        Add(X509Name.CN, subject.CommonName);
        return new X509Name(oids, values);
    }
}
