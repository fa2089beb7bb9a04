using System.Text.Json;
using EtcdForge.Artifacts;

namespace EtcdForge.Membership;

// reports/membership.json: every membership change made, oldest first, with the member IDs involved, so a
// changed ID (a replaced member) can be traced back.
public sealed class MembershipLog(string reportsDir, TimeProvider clock)
{
    public sealed record Entry(DateTimeOffset At, string Change, string Node, string? MemberId, string? OldMemberId, string Detail);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Path => System.IO.Path.Combine(reportsDir, "membership.json");

    public void Record(string change, string node, ulong? memberId, ulong? oldMemberId, string detail)
    {
        var entries = File.Exists(Path) ? JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(Path), Json) ?? [] : [];
        entries.Add(new Entry(clock.GetUtcNow(), change, node, memberId?.ToString("x16"), oldMemberId?.ToString("x16"), detail));
        AtomicFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(entries, Json), AtomicFile.PublicMode);
    }
}
