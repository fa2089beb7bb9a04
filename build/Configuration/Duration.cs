using System.Globalization;
using System.Text.RegularExpressions;

namespace EtcdForge.Configuration;

// Durations as cfssl writes them ("8760h", "43800h") plus days ("30d") for readability.
public static partial class Duration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null) return false;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        value = m.Groups[2].Value switch
        {
            "d" => TimeSpan.FromDays(n),
            "h" => TimeSpan.FromHours(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromSeconds(n),
        };
        return value > TimeSpan.Zero;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(d|h|m|s)$")]
    private static partial Regex Pattern();
}
