using System.Text.RegularExpressions;

namespace EtcdForge.Configuration;

public readonly partial record struct EtcdVersion(int Major, int Minor, int Patch) : IComparable<EtcdVersion>
{
    public const string SupportedRange = "3.4.x, 3.5.x or 3.6.x";

    // What --version says: the test suite runs 3.4.23 (Debian's) and 3.5.30; no 3.6 binary exists on the test machine.
    public const string SupportStatement = "3.4, 3.5 (tested: 3.4.23, 3.5.30); 3.6 by its documented flags, untested";

    public bool IsSupported => Major == 3 && Minor is >= 4 and <= 6;

    // etcdutl ships from 3.5; the v2 API and its flag are gone in 3.6.
    public bool HasV2Flag => this < new EtcdVersion(3, 6, 0);

    public static bool TryParse(string? text, out EtcdVersion version)
    {
        version = default;
        if (text is null) return false;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        version = new EtcdVersion(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
        return true;
    }

    public int CompareTo(EtcdVersion other) =>
        (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

    public static bool operator <(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(EtcdVersion a, EtcdVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}.{Patch}";

    [GeneratedRegex(@"^v?(\d+)\.(\d+)\.(\d+)$")]
    private static partial Regex Pattern();
}
