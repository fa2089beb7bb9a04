using System.Globalization;
using System.Text.RegularExpressions;

namespace EtcdForge.EtcdFlags;

// One extraFlags value read as the kind its flag takes, and written as etcd's config file needs it. etcd reads the
// file as JSON into Go types: a bool or a number must not be quoted, and a duration (time.Duration) is a whole
// number of nanoseconds there, not "5s" (etcd 3.4.23 and 3.5.30 refuse "5s": "cannot unmarshal string into Go struct
// field ... of type time.Duration"). Text is single-quoted, so nothing in it is read as YAML.
public static partial class FlagValue
{
    /// <param name="Yaml">the value as etcd.conf.yml holds it; null when the text is not of the flag's kind.</param>
    /// <param name="Problem">why not, when it is not.</param>
    public sealed record Reading(string? Yaml, string? Problem);

    public static Reading Read(FlagKind kind, string text) => kind switch
    {
        FlagKind.Bool => text is "true" or "false" ? new(text, null) : new(null, $"'{Shorten(text)}' is not true or false"),
        FlagKind.Integer => text.Length == 0 || !text.All(char.IsAsciiDigit) ? new(null, $"'{Shorten(text)}' is not a whole number")
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? new(number.ToString(CultureInfo.InvariantCulture), null)
            : new(null, $"'{Shorten(text)}' is not a whole number of at most {long.MaxValue}"),
        // The duration as written stays beside it, for whoever reads the file on the node.
        FlagKind.Duration => Nanoseconds(text) is { } nanoseconds
            ? new($"{nanoseconds.ToString(CultureInfo.InvariantCulture)} # {text}", null)
            : new(null, $"'{Shorten(text)}' is not a duration like 5s, 100ms or 1h30m"),
        // A line break would be folded into a space by YAML: the value etcd got would not be the one written.
        _ => text.Any(char.IsControl) ? new(null, "holds a line break or another control character, which etcd.conf.yml cannot carry as written")
            : new($"'{text.Replace("'", "''")}'", null),
    };

    public static bool IsGoDuration(string text) => GoDuration().IsMatch(text);

    // Go's time.ParseDuration, for what it accepts without a sign: "0", or numbers each with a unit ("1h30m", "1.5s").
    private static long? Nanoseconds(string text)
    {
        if (text == "0") return 0;
        if (!IsGoDuration(text)) return null;
        decimal total = 0;
        foreach (Match part in DurationPart().Matches(text))
        {
            total += decimal.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture) * part.Groups[2].Value switch
            {
                "ns" => 1m, "us" or "µs" => 1_000m, "ms" => 1_000_000m, "s" => 1_000_000_000m, "m" => 60_000_000_000m, _ => 3_600_000_000_000m,
            };
            if (total > long.MaxValue) return null;
        }
        return (long)total;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : $"{text[..40]}...({text.Length} characters)";

    [GeneratedRegex(@"^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex DurationPart();
}
