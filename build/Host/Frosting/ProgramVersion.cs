using System.Reflection;

namespace Cake.Frosting;

// The program's name, version and the commit it was built from, as the build embedded them: the SDK appends
// "+<commit>" to the informational version inside a git checkout (SourceRevisionId); outside one there is none.
internal sealed record ProgramVersion(string Name, string Version, string Commit)
{
    public const string UnknownCommit = "unknown";

    public static ProgramVersion Of(Assembly assembly) =>
        Parse(assembly.GetName().Name ?? "build",
            assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0");

    public static ProgramVersion Parse(string name, string informationalVersion)
    {
        var plus = informationalVersion.IndexOf('+');
        return plus < 0
            ? new(name, informationalVersion, UnknownCommit)
            : new(name, informationalVersion[..plus], informationalVersion[(plus + 1)..] is { Length: > 0 } commit ? commit : UnknownCommit);
    }
}
