using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;

namespace EtcdForge.EtcdFlags;

// The flags one etcd binary knows and the kind of value each takes, read from that binary's own --help. etcd's
// config-file keys are its flag names (EtcdFlagNames refuses the few that are not), so this is also what
// etcd.conf.yml may hold. The help is written by hand in etcd: it shows each flag's default, which tells its kind,
// except for the few flags below whose default it leaves out or spells as Go code; their kinds come from etcd's
// flag definitions (3.4.23, 3.5.30). A flag a later etcd adds with such a default is taken as text: etcd then
// refuses the quoted value at start-up, which SingleNodeTest shows before the cluster forms.
public sealed partial record FlagCatalog(EtcdVersion Version, IReadOnlyDictionary<string, FlagCatalog.Flag> Flags)
{
    public sealed record Flag(FlagKind Kind, string? Default);

    private static readonly Dictionary<string, FlagKind> KindsTheHelpHides = new(StringComparer.Ordinal)
    {
        ["backend-batch-interval"] = FlagKind.Duration, // ''
        ["max-concurrent-streams"] = FlagKind.Integer, // 'math.MaxUint32'
        ["experimental-downgrade-check-time"] = FlagKind.Duration, // no default (3.5)
        ["experimental-memory-mlock"] = FlagKind.Bool,
        ["experimental-stop-grpc-service-on-defrag"] = FlagKind.Bool,
        ["experimental-bootstrap-defrag-threshold-megabytes"] = FlagKind.Integer,
    };

    public static FlagCatalog Parse(EtcdVersion version, string help)
    {
        var flags = new Dictionary<string, Flag>(StringComparer.Ordinal);
        foreach (Match line in FlagLine().Matches(help))
        {
            var shown = line.Groups[2].Success ? line.Groups[2].Value.Trim() : null;
            var value = shown is ['\'', .. var inner, '\''] ? inner : shown;
            var name = line.Groups[1].Value;
            flags[name] = new Flag(KindsTheHelpHides.TryGetValue(name, out var kind) ? kind : KindOf(value), value);
        }
        return new FlagCatalog(version, flags);
    }

    private static FlagKind KindOf(string? shownDefault) => shownDefault switch
    {
        "true" or "false" => FlagKind.Bool,
        { Length: > 0 } digits when digits.All(char.IsAsciiDigit) => FlagKind.Integer,
        { } text when FlagValue.IsGoDuration(text) => FlagKind.Duration,
        _ => FlagKind.Text,
    };

    // Revision of the parse above, in the cache file's name: a change to it must not be answered from an old cache.
    private const int ParseRevision = 1;

    // Per binary (as its file stands) and cache file: at most one --help per run.
    private static readonly ConcurrentDictionary<(string Binary, long Length, DateTime Written, string Cache), FlagCatalog> Known = new();

    /// <summary>What the etcd DownloadEtcd obtained knows: from the cache under artifacts/cache/etcd-flags/, else from its
    /// --help, without writing the cache (Plan writes nothing). The cache is keyed by the SHA-256 of the archive or
    /// package the binary came from, which DownloadEtcd verified and recorded (obtained.json): hashing the 20-25 MB
    /// binary itself takes about 30 ms, nearly what etcd --help takes (40-50 ms), so a warm run would save nothing.</summary>
    public static FlagCatalog Of(EtcdBinaries etcd, ArtifactLayout layout) => Find(etcd, layout).Catalog;

    /// <summary>The same, cached for later runs: DownloadEtcd's part, once per binary. Only a cache of what the binary
    /// says (as artifacts/cache/gzip is of compressed binaries), so it is not reported as a change.</summary>
    public static FlagCatalog Record(EtcdBinaries etcd, ArtifactLayout layout, ICakeLog log)
    {
        var (file, catalog) = Find(etcd, layout);
        if (AtomicFile.WriteIfChanged(file, JsonSerializer.SerializeToUtf8Bytes(new Cached(catalog.Version.ToString(), catalog.Flags), Json), AtomicFile.PublicMode))
        {
            log.Verbose("cached the {0} flags etcd {1} knows in {2}", catalog.Flags.Count, catalog.Version, file);
        }
        return catalog;
    }

    private static (string File, FlagCatalog Catalog) Find(EtcdBinaries etcd, ArtifactLayout layout)
    {
        var binary = new FileInfo(etcd.Etcd);
        if (!binary.Exists) throw new ForgeError($"{etcd.Etcd} is missing: run --target=DownloadEtcd again");
        var file = Path.Combine(layout.EtcdFlagCatalogs, $"{etcd.ArchiveSha256}.{ParseRevision}.json");
        return (file, Known.GetOrAdd((binary.FullName, binary.Length, binary.LastWriteTimeUtc, file), _ => Read(file, etcd.ParsedVersion) ?? Ask(etcd)));
    }

    // A damaged or foreign cache file is asked again, not trusted.
    private static FlagCatalog? Read(string file, EtcdVersion version)
    {
        if (!File.Exists(file)) return null;
        try
        {
            var cached = JsonSerializer.Deserialize<Cached>(File.ReadAllText(file), Json);
            return cached?.Version == version.ToString() && cached.Flags is { Count: > 0 } flags
                ? new FlagCatalog(version, new Dictionary<string, Flag>(flags, StringComparer.Ordinal))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Synchronous on purpose: bundles are built in synchronous code, and this runs at most once per binary and run.
    private static FlagCatalog Ask(EtcdBinaries etcd)
    {
        var help = ExternalCommand.RunAsync(etcd.Etcd, ["--help"], TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        var catalog = Parse(etcd.ParsedVersion, help.Stdout + "\n" + help.Stderr);
        return help.ExitCode == 0 && catalog.Flags.Count > 0
            ? catalog
            : throw new ForgeError($"{etcd.Etcd} --help listed no flags (exit {help.ExitCode}): {help.LastErrorLine}; run --target=DownloadEtcd again");
    }

    private sealed record Cached(string Version, IReadOnlyDictionary<string, Flag> Flags);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    // "  --max-request-bytes '1572864'", "  --bcrypt-cost 10", "  --experimental-memory-mlock" (the description follows
    // on the next lines, further indented).
    [GeneratedRegex(@"^  --([a-z0-9][a-z0-9-]*)(?:[ \t]+(\S.*?))?[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex FlagLine();
}

public enum FlagKind { Bool, Integer, Duration, Text }
