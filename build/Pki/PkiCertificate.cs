using System.Security.Cryptography.X509Certificates;

namespace EtcdForge.Pki;

// One certificate in pki/, as the status lists it: who it is, who signed it, its serial, SANs and expiry.
public sealed record PkiCertificate(string File, string Subject, string Issuer, string Serial, IReadOnlyList<string> Sans,
    DateTimeOffset NotAfter, TimeSpan Left, bool IsCa)
{
    public int DaysLeft => (int)Math.Floor(Left.TotalDays);

    public static IReadOnlyList<PkiCertificate> ReadAll(IEnumerable<string> files, DateTimeOffset now) =>
        files.Where(System.IO.File.Exists).Select(file => Read(file, now)).ToList();

    public static PkiCertificate Read(string file, DateTimeOffset now)
    {
        using var cert = X509CertificateLoader.LoadCertificateFromFile(file);
        var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        IReadOnlyList<string> sans = san is null ? [] : [.. san.EnumerateIPAddresses().Select(ip => ip.ToString()), .. san.EnumerateDnsNames()];
        var isCa = cert.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
        return new PkiCertificate(file, cert.Subject, cert.Issuer, SerialOf(cert), sans, notAfter, notAfter - now, isCa);
    }

    // Hex without the DER sign byte, as `openssl x509 -serial` prints it (lower case).
    public static string SerialOf(X509Certificate2 cert)
    {
        var hex = cert.SerialNumber.ToLowerInvariant();
        while (hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal)) hex = hex[2..];
        return hex;
    }
}
