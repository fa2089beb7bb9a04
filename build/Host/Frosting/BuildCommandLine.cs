namespace Cake.Frosting;

// What the build says about its own command line for --help and --version (CakeHost.UseCommandLine). The host adds
// its own options, the targets with their [TaskDescription]s, the program's version and the commit it was built from.
// None of it may need the build's context: --help and --version work without a loadable configuration.
public interface IBuildCommandLine
{
    /// <summary>The first line of --help: how the program is started.</summary>
    string Usage { get; }

    /// <summary>The build's own options, each with a one-line meaning.</summary>
    IReadOnlyList<OptionHelp> Options { get; }

    /// <summary>Closing lines of --help (e.g. the exit codes).</summary>
    IReadOnlyList<string> Notes { get; }

    /// <summary>Lines --version prints after the version and the commit.</summary>
    IReadOnlyList<string> VersionDetails { get; }
}

/// <param name="Syntax">as typed, e.g. "--config=FILE" or "--yes".</param>
public sealed record OptionHelp(string Syntax, string Meaning);
