namespace Cake.Frosting;

// Cake's own command line: --target, --verbosity, --dryrun, --tree, --description, --exclusive, --help, --version.
// Everything else becomes a Cake argument that the build reads from context.Arguments. The host knows no
// option of the build: --name=value gives a value, a bare --name is "true"; what the names mean, and which
// ones exist, is the build's business.
internal sealed record HostOptions(
    string Target, Verbosity Verbosity, bool DryRun, bool Tree, bool Description, bool Exclusive, bool Help, bool Version,
    ILookup<string, string> Arguments)
{
    // For --help, in the order they are listed there.
    public static readonly IReadOnlyList<OptionHelp> Meanings =
    [
        new("--target=NAME", "the target to run, after its dependencies (default: Default)"),
        new("--verbosity=LEVEL", "quiet, minimal, normal (default), verbose or diagnostic (adds stack traces to errors)"),
        new("--dryrun", "lists the tasks that would run, in order; runs none and writes nothing"),
        new("--exclusive", "runs only the target, not its dependencies"),
        new("--tree", "shows the target's dependency tree"),
        new("--description", "lists the targets with their descriptions"),
        new("--help", "shows this text"),
        new("--version", "shows the version, the commit it was built from and the supported etcd versions"),
    ];

    // What these switches do needs nothing of the build's: no context, no configuration.
    public bool NeedsNoContext => Help || Version || Tree || Description;

    public static HostOptions Parse(IEnumerable<string> args)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith('-'))
            {
                // A word on its own would otherwise be dropped in silence (./build.sh Verify builds Default).
                var previous = i > 0 && list[i - 1].StartsWith('-') && !list[i - 1].Contains('=') ? list[i - 1] : null;
                throw new HostUsageError(previous is null
                    ? $"unexpected argument '{arg}'; options are written --name=value, e.g. --target={arg}"
                    : $"unexpected argument '{arg}' after {previous}; values are written {previous}={arg}");
            }
            var body = arg.TrimStart('-');
            var eq = body.IndexOf('=');
            string name, value;
            if (eq >= 0)
            {
                name = body[..eq];
                value = body[(eq + 1)..];
            }
            else if (NeedsValue(body) && i + 1 < list.Count && !list[i + 1].StartsWith('-'))
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
            if (value.Length == 0 && NeedsValue(name)) throw new HostUsageError($"{arg} needs a value, e.g. --{Normalize(name)}={ExampleOf(name)}");
            pairs.Add(new(Normalize(name), value));
        }
        var lookup = pairs.ToLookup(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        string? Last(string key) => lookup.Contains(key) ? lookup[key].Last() : null;
        bool On(string key) => Last(key) is { } v && !v.Equals("false", StringComparison.OrdinalIgnoreCase);
        return new HostOptions(
            Last("target") ?? "Default",
            ParseVerbosity(Last("verbosity")),
            On("dryrun"), On("tree"), On("description"), On("exclusive"), On("help"), On("version"),
            lookup);
    }

    private static bool NeedsValue(string name) => Normalize(name) is "target" or "verbosity";

    private static string ExampleOf(string name) => Normalize(name) == "target" ? "Default" : "normal";

    private static string Normalize(string name) => name.ToLowerInvariant() switch
    {
        "t" => "target",
        "v" => "verbosity",
        "e" => "exclusive",
        "h" => "help",
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
        _ => throw new HostUsageError($"--verbosity={value} is not one of quiet, minimal, normal, verbose, diagnostic"),
    };
}
