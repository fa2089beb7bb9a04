using Cake.Core.Diagnostics;

namespace Cake.Frosting;

// Cake's own command line: --target, --verbosity, --dryrun, --tree, --description, --exclusive;
// everything else becomes a Cake argument that tasks read with context.Argument(...).
internal sealed record HostOptions(
    string Target, Verbosity Verbosity, bool DryRun, bool Tree, bool Description, bool Exclusive,
    ILookup<string, string> Arguments)
{
    public static HostOptions Parse(IEnumerable<string> args)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith('-')) continue;
            var body = arg.TrimStart('-');
            var eq = body.IndexOf('=');
            string name, value;
            if (eq >= 0)
            {
                name = body[..eq];
                value = body[(eq + 1)..];
            }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith('-') && !IsFlag(body))
            {
                name = body;
                value = list[++i];
            }
            else
            {
                name = body;
                value = NeedsValue(name) ? "" : "true";
            }
            // Without this, a bare --target would ask for a target called "true".
            if (value.Length == 0 && NeedsValue(name)) throw new ArgumentException($"{arg} needs a value, e.g. --{Normalize(name)}={ExampleOf(name)}");
            pairs.Add(new(Normalize(name), value));
        }
        var lookup = pairs.ToLookup(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        string? Last(string key) => lookup.Contains(key) ? lookup[key].Last() : null;
        bool On(string key) => Last(key) is { } v && !v.Equals("false", StringComparison.OrdinalIgnoreCase);
        return new HostOptions(
            Last("target") ?? "Default",
            ParseVerbosity(Last("verbosity")),
            On("dryrun"), On("tree"), On("description"), On("exclusive"),
            lookup);
    }

    private static bool NeedsValue(string name) => Normalize(name) is "target" or "verbosity" or "snapshot";

    private static string ExampleOf(string name) => Normalize(name) switch
    {
        "target" => "Default",
        "snapshot" => "artifacts/<cluster>/backups/<file>.db",
        _ => "normal",
    };

    private static bool IsFlag(string name) => Normalize(name) is "dryrun" or "tree" or "description" or "exclusive" or "yes" or "trust-new-host-keys";

    private static string Normalize(string name) => name.ToLowerInvariant() switch
    {
        "t" => "target",
        "v" => "verbosity",
        "e" => "exclusive",
        "dry-run" or "whatif" or "noop" => "dryrun",
        "showdescription" or "showtree" when name.Equals("showtree", StringComparison.OrdinalIgnoreCase) => "tree",
        "showdescription" => "description",
        var n => n,
    };

    private static Verbosity ParseVerbosity(string? value) => value?.ToLowerInvariant() switch
    {
        null => Verbosity.Normal,
        "q" or "quiet" => Verbosity.Quiet,
        "m" or "minimal" => Verbosity.Minimal,
        "n" or "normal" => Verbosity.Normal,
        "v" or "verbose" => Verbosity.Verbose,
        "d" or "diagnostic" => Verbosity.Diagnostic,
        _ => throw new ArgumentException($"--verbosity={value} is not one of quiet, minimal, normal, verbose, diagnostic"),
    };
}
