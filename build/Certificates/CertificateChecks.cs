using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using EtcdForge.Artifacts;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Pki;
using EtcdForge.Reporting;

namespace EtcdForge.Certificates;

// The certificate part of Verify, also run alone by the Certificates target: every certificate in pki/ and its
// expiry, and per member what it really serves on its client and peer ports, compared with pki/. A member
// that serves something else than pki/ holds (an older certificate, one from another CA) fails.
public sealed class CertificateChecks(Cluster cluster, ArtifactLayout layout, TlsIdentity identity, TimeProvider clock)
{
    public IReadOnlyList<PkiCertificate> OnDisk() => PkiCertificate.ReadAll(CertificateFiles(layout), clock.GetUtcNow());

    public static IReadOnlyList<string> CertificateFiles(ArtifactLayout layout) => Directory.Exists(layout.Pki)
        ? Directory.GetFiles(layout.Pki, "*.pem").Where(f => !f.EndsWith("-key.pem", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
        : [];

    public IReadOnlyList<CheckResult> Expiries(IEnumerable<PkiCertificate> certificates) => certificates.Select(cert =>
    {
        var ok = !cluster.Pki.DueForRenewal(cert.NotAfter.UtcDateTime, clock.GetUtcNow().UtcDateTime);
        // A CA cannot be renewed in place: every member and client trusts it by its key, so it is rotated.
        var fix = cert.IsCa
            ? "a CA cannot be renewed in place: run --target=RotateCa (three phases, two rolling restarts; docs/operations.md, Renewal and CA rotation)"
            : "run --target=RenewCerts (or any target from IssueCerts on) to renew";
        var detail = ok ? $"expires in {cert.DaysLeft} days ({cert.NotAfter:yyyy-MM-dd HH:mm} UTC)"
            : cert.Left <= TimeSpan.Zero ? $"expired on {cert.NotAfter:yyyy-MM-dd HH:mm} UTC: {fix}"
            : $"expires on {cert.NotAfter:yyyy-MM-dd HH:mm} UTC, within renewBefore: {fix}";
        return new CheckResult("certificates", $"{Path.GetFileName(cert.File)} valid", ok, detail, TimeSpan.Zero);
    }).ToList();

    // All ports at once: a silent port costs its full timeout.
    public async Task<IReadOnlyList<CheckResult>> ServedAsync(CancellationToken ct)
    {
        var checks = cluster.Nodes.SelectMany(node => new[]
        {
            ServedCheck(node, "client", cluster.Etcd.ClientPort, layout.ServerCert(node.Name), ct),
            ServedCheck(node, "peer", cluster.Etcd.PeerPort, layout.PeerCert(node.Name), ct),
        });
        return await Task.WhenAll(checks);
    }

    private async Task<CheckResult> ServedCheck(Node node, string port, int number, string expectedFile, CancellationToken ct)
    {
        var name = $"{port} port serves {Path.GetFileName(expectedFile)}";
        var watch = Stopwatch.StartNew();
        try
        {
            var expected = PkiCertificate.Read(expectedFile, clock.GetUtcNow());
            var served = await ServedCertificate.ReadAsync(node.Host, number, identity, ct);
            using var ca = X509CertificateLoader.LoadCertificateFromFile(layout.CaCert);
            var problems = new List<string>();
            if (served.Serial != expected.Serial)
                problems.Add($"serves serial {served.Serial} (expires {served.NotAfter:yyyy-MM-dd HH:mm}), pki/ has {expected.Serial}: run --target=DeployNodes");
            if (!served.ChainsTo([ca])) problems.Add($"served certificate (issuer {served.Issuer}) does not chain to {Path.GetFileName(layout.CaCert)}");
            var detail = problems.Count == 0 ? $"serial {served.Serial}, expires {served.NotAfter:yyyy-MM-dd HH:mm} UTC, chains to {Path.GetFileName(layout.CaCert)}"
                : string.Join("; ", problems);
            return new CheckResult(node.Name, name, problems.Count == 0, detail, watch.Elapsed);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException)
        {
            return new CheckResult(node.Name, name, false, ex.Message, watch.Elapsed);
        }
    }
}
