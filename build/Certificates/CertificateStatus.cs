using EtcdForge.Reporting;

namespace EtcdForge.Certificates;

// The Certificates report: what pki/ holds, its expiry checks and what every member serves.
public static class CertificateStatus
{
    public const string ReportName = "certificates";

    /// <param name="expiries">false for RenewCerts: it just renewed, and asks only whether the renewed ones are served.</param>
    public static async Task<VerifyReport> CheckAsync(string cluster, CertificateChecks checks, bool expiries, TimeProvider clock, CancellationToken ct)
    {
        var onDisk = checks.OnDisk();
        var results = (expiries ? checks.Expiries(onDisk) : []).Concat(await checks.ServedAsync(ct)).ToList();
        return new VerifyReport(cluster, clock.GetUtcNow(), [], results, onDisk);
    }
}
