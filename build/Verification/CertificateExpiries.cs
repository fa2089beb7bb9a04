using System.Security.Cryptography.X509Certificates;

namespace EtcdForge.Verification;

public static class CertificateExpiries
{
    public static IReadOnlyList<CertificateExpiry> Read(IEnumerable<string> files, DateTimeOffset now) =>
        files.Where(File.Exists)
            .Select(file =>
            {
                using var cert = X509CertificateLoader.LoadCertificateFromFile(file);
                var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                return new CertificateExpiry(file, cert.Subject, notAfter, (int)Math.Floor((notAfter - now).TotalDays));
            })
            .ToList();
}
