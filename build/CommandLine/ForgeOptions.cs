using EtcdForge.Spelling;

namespace EtcdForge.CommandLine;

// Every command-line option etcd-forge reads, parsed once before any task runs. Tasks read this record, never the
// raw arguments. An option nobody knows, an empty value or a flag with a value other than true/false is refused
// here with one line, so a typo (--confg=my.yaml) never runs the default description instead.
public sealed record ForgeOptions
{
    public const string DefaultConfig = "config/cluster.yaml";
    public const string DefaultArtifacts = "artifacts";

    // Consumed by the host (Cake's options); listed so that they are known here and offered as corrections.
    private static readonly string[] HostOwned = ["target", "verbosity", "dryrun", "tree", "description", "exclusive"];

    private static readonly Dictionary<string, string> Valued = new(StringComparer.OrdinalIgnoreCase)
    {
        ["config"] = DefaultConfig,
        ["artifacts"] = DefaultArtifacts,
        ["bootstrap-timeout"] = "120",
        ["node"] = "etcd1",
        ["snapshot"] = "artifacts/<cluster>/backups/<file>.db",
        ["task-report"] = "tasks.json",
        ["for"] = "RotateCa",
    };

    // The targets Plan can plan for (--for): those whose chain ends in BootstrapCluster or carries out its plan.
    private static readonly string[] Plannable = ["BootstrapCluster", "Verify", "RenewCerts", "RotateCa", "ReplaceMember"];

    private static readonly string[] Flags = ["yes", "trust-new-host-keys", "force"];

    public string Config { get; private init; } = DefaultConfig;
    public string ArtifactsRoot { get; private init; } = DefaultArtifacts;

    // Restore's snapshot file (a backup made by --target=Backup, its .json beside it).
    public string? Snapshot { get; private init; }

    // Confirms what drops data: Destroy, Restore, removing a member, ReplaceMember.
    public bool Yes { get; private init; }

    // The member ReplaceMember rebuilds (checked against the description by BuildContext).
    public string? Node { get; private init; }

    // Trust on first use: accept an unknown SSH host key and record it in the node's knownHosts file.
    public bool TrustNewHostKeys { get; private init; }

    public TimeSpan BootstrapTimeout { get; private init; } = TimeSpan.FromSeconds(60);

    // Cake's --dryrun (the host passes its own options on under their normalized names: --dry-run, --whatif and
    // --noop arrive as dryrun): tasks are listed, none runs.
    public bool DryRun { get; private init; }

    // Where each task's seconds and peak memory are written as JSON (RecordsTaskTimes); null: nowhere.
    public string? TaskReport { get; private init; }

    // With RenewCerts: every leaf certificate renewed now, whatever its expiry; with RotateCa: a rotation now.
    public bool Force { get; private init; }

    /// <summary>The target asked for (--target; Cake's default when none).</summary>
    public string Target { get; private init; } = "Default";

    /// <summary>Plan --for=TARGET: the target whose run Plan shows (default: the BootstrapCluster chain, as Verify runs it).</summary>
    public string? PlanFor { get; private init; }

    // --force belongs to the target it is given with, so that a forced rotation does not also renew every leaf under
    // the old CA first, and Plan --for=T --force shows what T --force would do.
    private string Acting => PlanFor ?? Target;

    /// <summary>IssueCerts renews every leaf now: RenewCerts --force or IssueCerts --force (or Plan --for=RenewCerts --force).</summary>
    public bool RenewsAllLeaves => Force && (Is(Acting, "RenewCerts") || Is(Acting, "IssueCerts"));

    /// <summary>A CA rotation starts now, whether or not the CA is due: RotateCa --force (or Plan --for=RotateCa --force).</summary>
    public bool ForcesRotation => Force && Is(Acting, "RotateCa");

    /// <summary>The plan is ReplaceMember's (or Plan's for it): --node's member rebuilt instead of BootstrapCluster's steps.</summary>
    public bool PlansReplacement => Is(Acting, "ReplaceMember");

    /// <summary>The plan covers a CA rotation's phases (RotateCa, or Plan --for=RotateCa).</summary>
    public bool PlansRotation => Is(Acting, "RotateCa");

    private static bool Is(string target, string name) => string.Equals(target, name, StringComparison.OrdinalIgnoreCase);

    // name -> values as given (a bare --name arrives as "true"), the shape of Cake's ICakeArguments.GetArguments().
    public static ForgeOptions Parse(IDictionary<string, ICollection<string>> arguments)
    {
        var known = HostOwned.Concat(Valued.Keys).Concat(Flags).ToList();
        foreach (var name in arguments.Keys.Order(StringComparer.Ordinal))
        {
            if (known.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            var given = $"--{name}" + (arguments[name].LastOrDefault() is { } v && v != "true" ? $"={v}" : "");
            var hint = ClosestName.Among(name, known) is { } guess ? $" (did you mean --{guess}?)" : "";
            throw new ForgeError($"{given} is not an option{hint}; options: {string.Join(", ", known.Select(k => "--" + k))}");
        }
        var bootstrap = ValueOf(arguments, "bootstrap-timeout");
        var options = new ForgeOptions
        {
            Config = ValueOf(arguments, "config") ?? DefaultConfig,
            ArtifactsRoot = ValueOf(arguments, "artifacts") ?? DefaultArtifacts,
            Snapshot = ValueOf(arguments, "snapshot"),
            Yes = FlagOf(arguments, "yes"),
            TrustNewHostKeys = FlagOf(arguments, "trust-new-host-keys"),
            DryRun = FlagOf(arguments, "dryrun"),
            Force = FlagOf(arguments, "force"),
            BootstrapTimeout = bootstrap is null ? TimeSpan.FromSeconds(60) : SecondsOf(bootstrap),
            Node = ValueOf(arguments, "node"),
            TaskReport = ValueOf(arguments, "task-report"),
            Target = ValuesOf(arguments, "target").LastOrDefault() ?? "Default",
            PlanFor = ValueOf(arguments, "for"),
        };
        if (options.PlanFor is { } planFor)
        {
            if (!Is(options.Target, "Plan")) throw new ForgeError($"--for={planFor} only goes with --target=Plan (it says which target's run Plan shows)");
            options = options with
            {
                PlanFor = Plannable.FirstOrDefault(t => Is(t, planFor))
                          ?? throw new ForgeError($"--for={planFor}: Plan shows the run of one of {string.Join(", ", Plannable)}"),
            };
        }
        // Refused before any task runs: ReplaceMember's dependencies (Package, DeployNodes) must not run for a
        // replacement that was never going to happen.
        if (string.Equals(ValuesOf(arguments, "target").LastOrDefault(), "ReplaceMember", StringComparison.OrdinalIgnoreCase))
        {
            if (options.Node is null) throw new ForgeError("--target=ReplaceMember needs --node=NAME (the member to rebuild) and --yes");
            if (!options.Yes) throw new ForgeError($"--target=ReplaceMember --node={options.Node} removes member {options.Node}, deletes its data dir and adds it again under a new member ID; add --yes to confirm");
        }
        return options;
    }

    private static TimeSpan SecondsOf(string text) =>
        int.TryParse(text, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ForgeError($"--bootstrap-timeout={text} is not a number of seconds; e.g. --bootstrap-timeout=120");

    // The value of an option that takes one; null when absent. Empty, or bare (which the host makes "true"), is
    // refused rather than read as a file or directory called "" or "true".
    private static string? ValueOf(IDictionary<string, ICollection<string>> arguments, string name)
    {
        var values = ValuesOf(arguments, name);
        if (values.Count == 0) return null;
        if (values.Distinct(StringComparer.Ordinal).Count() > 1)
        {
            throw new ForgeError($"--{name} is given {values.Count} times with different values ({string.Join(", ", values)}); pass it once");
        }
        var value = values[0];
        return value.Length == 0 || value == "true"
            ? throw new ForgeError($"--{name} needs a value, e.g. --{name}={Valued[name]}")
            : value;
    }

    private static bool FlagOf(IDictionary<string, ICollection<string>> arguments, string name)
    {
        var values = ValuesOf(arguments, name);
        if (values.Count == 0) return false;
        var value = values[^1];
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        throw new ForgeError($"--{name}={value}: --{name} is a switch; write --{name} (or --{name}=false)");
    }

    private static IReadOnlyList<string> ValuesOf(IDictionary<string, ICollection<string>> arguments, string name) =>
        arguments.FirstOrDefault(a => a.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.ToList() ?? [];
}
