using System.Globalization;
using System.Text.RegularExpressions;

namespace EtcdForge.Configuration;

// Durations as cfssl writes them ("8760h", "43800h") plus days ("30d") for readability.
public static partial class Duration
{
    // A certificate cannot end after 9999-12-31 (X.509 GeneralizedTime), and nothing here needs more than a century.
    public static readonly TimeSpan Max = TimeSpan.FromDays(36500);

    /// <returns>false when text is not a positive duration of at most <see cref="Max"/>.</returns>
    public static bool TryParse(string? text, out TimeSpan value) => Read(text, out value) == Reading.Ok;

    public enum Reading { Ok, NotADuration, TooLong }

    public static Reading Read(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null) return Reading.NotADuration;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return Reading.NotADuration;
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var seconds = n * m.Groups[2].Value switch { "d" => 86400, "h" => 3600, "m" => 60, _ => 1 };
        // Compared before a TimeSpan is made: "99999999999999h" would overflow it.
        if (seconds > Max.TotalSeconds) return Reading.TooLong;
        value = TimeSpan.FromSeconds(seconds);
        return value > TimeSpan.Zero ? Reading.Ok : Reading.NotADuration;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(d|h|m|s)$")]
    private static partial Regex Pattern();
}
