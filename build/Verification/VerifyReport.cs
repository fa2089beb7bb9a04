namespace EtcdForge.Verification;

public sealed record CheckResult(string Member, string Check, bool Passed, string Detail, TimeSpan Duration);

public sealed record MemberStatus(
    string Member, string Endpoint, bool Healthy, string? Version, string? MemberId, string? LeaderId,
    long RaftIndex, long RaftTerm, long DbSizeBytes, string? Error);


public sealed record VerifyReport(
    string Cluster, DateTimeOffset CheckedAt, IReadOnlyList<MemberStatus> Members,
    IReadOnlyList<CheckResult> Checks, IReadOnlyList<Certificates.PkiCertificate> Certificates)
{
    public bool Passed => Checks.All(c => c.Passed);
    public IEnumerable<CheckResult> Failures => Checks.Where(c => !c.Passed);
}
