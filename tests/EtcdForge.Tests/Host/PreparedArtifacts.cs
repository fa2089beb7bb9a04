
namespace EtcdForge.Tests.Host;

// Host tests run one after another (each starts a real host; the fresh ones run apt-get download).
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<PreparedArtifacts>
{
    public const string Name = "Host";
}

// One `--target=Package` run of the default config into a fresh artifacts dir, made once for the collection.
// Artifacts are not relocatable (obtained.json holds an absolute binDir, local-node bundles hold absolute
// node paths), so a copy elsewhere is not "the same build": tests use this dir in place and may only run
// commands that must not write, each proving with a DirSnapshot that nothing changed. A test that did write
// fails itself; the collection runs its tests one at a time.
public sealed class PreparedArtifacts : IDisposable
{
    private readonly TempDir _dir = new();

    public PreparedArtifacts()
    {
        FirstRun = ForgeProcess.Run("--target=Package", $"--artifacts={Root}");
    }

    public string Root => _dir.Combine("artifacts");
    public ForgeResult FirstRun { get; }

    // The prepared dir, after checking that preparing it worked.
    public string Built
    {
        get
        {
            Assert.True(FirstRun.ExitCode == 0, "preparing artifacts failed:\n" + FirstRun);
            return Root;
        }
    }

    // Runs the host over the prepared dir, which must succeed and leave every file there as it was but Plan's own
    // report, reports/plan.json.
    public ForgeResult RunWithoutWriting(params string[] args)
    {
        var artifacts = Built;
        var before = DirSnapshot.Of(artifacts);
        var run = ForgeProcess.Run([.. args, $"--artifacts={artifacts}"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(before.Differences(DirSnapshot.Of(artifacts)), d => !d.EndsWith("/reports/plan.json", StringComparison.Ordinal));
        return run;
    }

    public void Dispose() => _dir.Dispose();
}

internal static class HostAssert
{
    // Plain output: no ANSI escapes (NO_COLOR), no stack trace, no runtime crash banner.
    public static void Plain(ForgeResult result)
    {
        Assert.False(result.Output.Contains('\u001b'), "ANSI escape in output:\n" + result);
        Assert.False(result.Lines.Any(l => l.StartsWith("   at ")), "stack trace in output:\n" + result);
        Assert.False(result.Output.Contains("Unhandled exception"), "unhandled exception:\n" + result);
    }

    public static void Failed(ForgeResult result)
    {
        Assert.True(result.ExitCode == 1, "expected exit code 1 (a user error):\n" + result);
        Plain(result);
    }

    // The run failed with exactly one non-empty line, on stderr, and nothing on stdout.
    public static string OneLineError(ForgeResult result)
    {
        Failed(result);
        Assert.True(result.Stdout.Trim().Length == 0, "expected nothing on stdout:\n" + result);
        Assert.True(result.ErrorLines.Count == 1, "expected one line on stderr:\n" + result);
        return result.ErrorLines[0];
    }

    // A run that got as far as its first task holds the cluster's artifacts lock (ArtifactsLock): its two files,
    // and the directory they are in, are the run's bookkeeping, not something it built.
    public static void Empty(string artifacts)
    {
        var files = Directory.Exists(artifacts)
            ? Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f) is not (EtcdForge.Artifacts.ArtifactsLock.FileName or EtcdForge.Artifacts.ArtifactsLock.OwnerFileName)).ToList()
            : [];
        Assert.True(files.Count == 0, $"{artifacts} should not exist or hold no files, holds: " + string.Join(", ", files));
    }
}
