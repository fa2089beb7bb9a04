using EtcdForge.Spelling;

namespace EtcdForge.CommandLine;

// Every command-line option etcd-forge reads, parsed once before any task runs. Tasks read this record, never the
// raw arguments. An option nobody knows, an empty value or a flag with a value other than true/false is refused
// here with one line, so a typo (--confg=my.yaml) never runs the default description instead.
public sealed record ForgeOptions
{
    public const string DefaultConfig = "config/cluster.yaml";
    public const string DefaultArtifacts = "artifacts";

    /// <summary>Set by build.sh and build.ps1 to the directory they were started from, before they change into the
    /// checkout: relative paths given on the command line are taken from there.</summary>
    public const string CallerDirectoryVariable = "ETCD_FORGE_CALLER_DIR";

    // Consumed by the host (Cake's options); listed so that they are known here and offered as corrections.
    private static readonly string[] HostOwned = ["target", "verbosity", "dryrun", "tree", "description", "exclusive", "help", "version"];

    // Placeholder: what --help shows after "="; Example: what an error suggests. A switch has neither.
    private sealed record Option(string Name, string Meaning, string? Placeholder = null, string? Example = null)
    {
        public bool IsSwitch => Placeholder is null;
        public OptionHelp Help => new(IsSwitch ? $"--{Name}" : $"--{Name}={Placeholder}", Meaning);
    }

    // The targets Plan can plan for (--for): those whose chain ends in BootstrapCluster or carries out its plan.
    private static readonly string[] Plannable = ["BootstrapCluster", "Verify", "RenewCerts", "RotateCa", "ReplaceMember"];

    // Static fields initialize in this order: Plannable is read below.
    private static readonly Option[] Known =
    [
        new("config", $"the cluster description (default: {DefaultConfig} in the checkout)", "FILE", DefaultConfig),
        new("artifacts", $"where the output goes, DIR/<cluster>/ per cluster (default: {DefaultArtifacts}/ in the checkout)", "DIR", DefaultArtifacts),
        new("yes", "confirms what drops data: Destroy, Restore, removing a member, ReplaceMember"),
        new("snapshot", "the backup Restore restores (a .db made by Backup, its .json beside it)", "FILE", "artifacts/<cluster>/backups/<file>.db"),
        new("node", "the member ReplaceMember rebuilds", "NAME", "etcd1"),
        new("force", "IssueCerts/RenewCerts renew every leaf now; RotateCa rotates a CA not yet within renewBefore"),
        new("trust-new-host-keys", "accepts an unknown SSH host key and records it in the node's knownHosts file"),
        new("bootstrap-timeout", "how long BootstrapCluster waits for the members to become healthy (default: 60)", "SECONDS", "120"),
        new("for", $"with --target=Plan: the target whose run Plan shows ({string.Join(", ", Plannable)})", "TARGET", "RotateCa"),
        new("detailed-exitcode", "with --target=Plan only: exit 2 when changes are pending, 0 when there is nothing to do"),
        new("task-report", "writes each task's outcome, seconds and peak memory as JSON to FILE", "FILE", "tasks.json"),
    ];

    /// <summary>The options for --help, each with its one-line meaning, in the order they are listed there.</summary>
    public static IReadOnlyList<OptionHelp> Meanings { get; } = [.. Known.Select(o => o.Help)];

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

    // Plan --detailed-exitcode: exit 2 when changes are pending (BuildContext.ChangesPending), as Terraform's plan.
    public bool DetailedExitCode { get; private init; }

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
    // callerDirectory: where the user ran build.sh from (CallerDirectoryVariable); null: the working directory.
    public static ForgeOptions Parse(IDictionary<string, ICollection<string>> arguments, string? callerDirectory = null)
    {
        var known = HostOwned.Concat(Known.Select(o => o.Name)).ToList();
        foreach (var name in arguments.Keys.Order(StringComparer.Ordinal))
        {
            if (known.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            var given = $"--{name}" + (arguments[name].LastOrDefault() is { } v && v != "true" ? $"={v}" : "");
            var hint = ClosestName.Among(name, known) is { } guess ? $" (did you mean --{guess}?)" : "";
            throw new ForgeError($"{given} is not an option{hint}; options: {string.Join(", ", known.Select(k => "--" + k))}");
        }
        var bootstrap = ValueOf(arguments, "bootstrap-timeout");
        string? PathOf(string name) => ValueOf(arguments, name) is { } path ? FromCaller(path, callerDirectory) : null;
        var options = new ForgeOptions
        {
            Config = PathOf("config") ?? DefaultConfig,
            ArtifactsRoot = PathOf("artifacts") ?? DefaultArtifacts,
            Snapshot = PathOf("snapshot"),
            Yes = FlagOf(arguments, "yes"),
            TrustNewHostKeys = FlagOf(arguments, "trust-new-host-keys"),
            DryRun = FlagOf(arguments, "dryrun"),
            Force = FlagOf(arguments, "force"),
            BootstrapTimeout = bootstrap is null ? TimeSpan.FromSeconds(60) : SecondsOf(bootstrap),
            Node = ValueOf(arguments, "node"),
            TaskReport = PathOf("task-report"),
            DetailedExitCode = FlagOf(arguments, "detailed-exitcode"),
            Target = ValuesOf(arguments, "target").LastOrDefault() ?? "Default",
            PlanFor = ValueOf(arguments, "for"),
        };
        if (options.TaskReport is { } report && Directory.Exists(report))
        {
            throw new ForgeError($"--task-report={report} is a directory; pass a file to write, e.g. --task-report={Path.Combine(report, "tasks.json")}");
        }
        if (options.DetailedExitCode && !Is(options.Target, "Plan"))
        {
            throw new ForgeError($"--detailed-exitcode is for --target=Plan only (exit 2 when changes are pending), not --target={options.Target}; drop it or plan first with --target=Plan");
        }
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
        if (Is(options.Target, "ReplaceMember"))
        {
            if (options.Node is null) throw new ForgeError("--target=ReplaceMember needs --node=NAME (the member to rebuild) and --yes");
            if (!options.Yes) throw new ForgeError($"--target=ReplaceMember --node={options.Node} removes member {options.Node}, deletes its data dir and adds it again under a new member ID; add --yes to confirm");
        }
        return options;
    }

    // A relative path means the same file as it would to a command run where the user stands, not in the checkout
    // build.sh changes into. Kept as written when that is the working directory anyway, so messages show it as typed.
    private static string FromCaller(string path, string? callerDirectory)
    {
        if (string.IsNullOrEmpty(callerDirectory) || Path.IsPathRooted(path)) return path;
        var caller = Path.GetFullPath(callerDirectory);
        return Path.TrimEndingDirectorySeparator(caller) == Path.TrimEndingDirectorySeparator(Directory.GetCurrentDirectory())
            ? path
            : Path.GetFullPath(path, caller);
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
            ? throw new ForgeError($"--{name} needs a value, e.g. --{name}={Known.Single(o => o.Name == name).Example}")
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
