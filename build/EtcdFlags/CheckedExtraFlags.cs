using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;
using EtcdForge.Spelling;

namespace EtcdForge.EtcdFlags;

// extraFlags checked against the flags of the etcd DownloadEtcd obtained, each value read as the kind its flag takes.
// The one place that decides whether a flag reaches a node: DownloadEtcd asks it as soon as the binary is there, so a
// refusal comes before InitCa, IssueCerts or Package write anything; every node bundle is built from its answer
// (Package, and Plan's forecast of the bundles, which shows the same refusal), as is SingleNodeTest's config.
// The names were checked at load (EtcdFlagNames): the flags etcd-forge sets itself never get here.
public sealed class CheckedExtraFlags
{
    /// <summary>A flag as etcd.conf.yml holds it: its name and its value written for etcd's config file.</summary>
    public sealed record Rendered(string Name, string Yaml);

    private readonly Cluster _cluster;
    private readonly Dictionary<ExtraFlag, string> _yaml;

    private CheckedExtraFlags(Cluster cluster, EtcdVersion version, Dictionary<ExtraFlag, string> yaml)
    {
        _cluster = cluster;
        _yaml = yaml;
        Version = version;
    }

    /// <summary>The etcd version the flags were checked against (the one obtained).</summary>
    public EtcdVersion Version { get; }

    /// <summary>The member's flags (the cluster's, overridden per flag by the node's), in name order.</summary>
    public IReadOnlyList<Rendered> For(Node node) => [.. _cluster.ExtraFlagsOf(node).Select(f => new Rendered(f.Name, _yaml[f]))];

    /// <summary>A description without extraFlags asks nothing of the binary (no --help, no hashing).</summary>
    /// <exception cref="ConfigError">one line per flag the etcd does not know or whose value is not of its kind.</exception>
    public static CheckedExtraFlags Of(Cluster cluster, EtcdBinaries etcd, ArtifactLayout layout) =>
        All(cluster).Any() ? Of(cluster, FlagCatalog.Of(etcd, layout)) : new(cluster, etcd.ParsedVersion, []);

    /// <summary>DownloadEtcd's part: the check, as soon as the binary is there, with what it knows cached for later runs.</summary>
    public static void CheckAndRecord(Cluster cluster, EtcdBinaries etcd, ArtifactLayout layout, ICakeLog log)
    {
        if (All(cluster).Any()) Of(cluster, FlagCatalog.Record(etcd, layout, log));
    }

    /// <exception cref="ConfigError">one line per flag the etcd does not know or whose value is not of its kind.</exception>
    public static CheckedExtraFlags Of(Cluster cluster, FlagCatalog catalog)
    {
        var problems = new List<ConfigProblem>();
        var yaml = new Dictionary<ExtraFlag, string>();
        foreach (var flag in All(cluster))
        {
            var problem = Problem(flag, catalog, out var value);
            if (problem is null) yaml[flag] = value!;
            else problems.Add(new ConfigProblem(cluster.SourceFile, flag.Line, flag.Field, problem));
        }
        if (problems.Count > 0) throw new ConfigError(problems);
        return new CheckedExtraFlags(cluster, catalog.Version, yaml);
    }

    private static IEnumerable<ExtraFlag> All(Cluster cluster) => cluster.Etcd.ExtraFlags.Concat(cluster.Nodes.SelectMany(n => n.ExtraFlags));

    private static string? Problem(ExtraFlag flag, FlagCatalog catalog, out string? yaml)
    {
        yaml = null;
        var etcd = $"etcd {catalog.Version}";
        if (!catalog.Flags.TryGetValue(flag.Name, out var known))
        {
            // Only a flag extraFlags may set is worth suggesting.
            var guess = ClosestName.Among(flag.Name, catalog.Flags.Keys.Where(n => EtcdFlagNames.Refusal(n) is null));
            return $"{etcd} has no flag '{flag.Name}'{(guess is null ? "" : $" (did you mean '{guess}'?)")}; " +
                   $"write a flag as {etcd}'s --help lists it, without the leading dashes";
        }
        var reading = FlagValue.Read(known.Kind, flag.Value);
        yaml = reading.Yaml;
        return reading.Problem is null ? null
            : $"{reading.Problem}, which {etcd}'s {flag.Name} takes{(string.IsNullOrEmpty(known.Default) ? "" : $" (its default: {known.Default})")}";
    }
}
