namespace EtcdForge.Configuration;

public sealed record ConfigProblem(string File, int Line, string Field, string Message, bool IsWarning = false)
{
    public override string ToString() =>
        $"{File}:{Line}: {(IsWarning ? "warning: " : "")}{(Field.Length > 0 ? Field + ": " : "")}{Message}";
}

public sealed class ConfigError(IReadOnlyList<ConfigProblem> problems)
    : ForgeError(string.Join(Environment.NewLine, problems.Select(p => p.ToString())))
{
    public IReadOnlyList<ConfigProblem> Problems { get; } = problems;
}
