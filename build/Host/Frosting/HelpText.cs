namespace Cake.Frosting;

// What --help and --version print: plain lines, from the task classes and the options' own descriptions, so that
// they need no context and no configuration.
internal static class HelpText
{
    public static IEnumerable<string> Help(ProgramVersion program, IBuildCommandLine? build, IEnumerable<TaskRegistration> tasks)
    {
        yield return $"{program.Name} {program.Version}";
        yield return $"Usage: {build?.Usage ?? "--target=NAME [--option=value ...]"}";
        yield return "";
        yield return "Targets:";
        var targets = tasks.ToList();
        var width = targets.Max(t => t.Name.Length) + 2;
        foreach (var task in targets) yield return $"  {task.Name.PadRight(width)}{task.Description}".TrimEnd();
        yield return "";
        yield return "Options:";
        var options = HostOptions.Meanings.Concat(build?.Options ?? []).ToList();
        width = options.Max(o => o.Syntax.Length) + 2;
        foreach (var option in options) yield return $"  {option.Syntax.PadRight(width)}{option.Meaning}";
        foreach (var note in build?.Notes ?? [])
        {
            yield return note;
        }
    }

    public static IEnumerable<string> Version(ProgramVersion program, IBuildCommandLine? build) =>
        [$"{program.Name} {program.Version}", $"commit: {program.Commit}", .. build?.VersionDetails ?? []];
}
