using EtcdForge.Pki;

namespace EtcdForge.Reporting;

// Skipped: a check that cannot apply (e.g. the TLS doors of a member that is down, whose own health check
// already fails); it is neither a pass nor a failure, and its detail says why and where it was judged instead.
public sealed record CheckResult(string Member, string Check, bool Passed, string Detail, TimeSpan Duration, bool Skipped = false);

public sealed record MemberStatus(
    string Member, string Endpoint, bool Healthy, string? Version, string? MemberId, string? LeaderId,
    long RaftIndex, long RaftTerm, long DbSizeBytes, string? Error);


public sealed record VerifyReport(
    string Cluster, DateTimeOffset CheckedAt, IReadOnlyList<MemberStatus> Members,
    IReadOnlyList<CheckResult> Checks, IReadOnlyList<PkiCertificate> Certificates)
{
    public bool Passed => !Failures.Any();
    public IEnumerable<CheckResult> Failures => Checks.Where(c => !c.Passed && !c.Skipped);
}
