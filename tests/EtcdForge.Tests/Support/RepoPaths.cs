namespace EtcdForge.Tests.Support;

public static class RepoPaths
{
    // The repository root, found from the test binary's location (tests/EtcdForge.Tests/bin/...).
    public static string Root { get; } = FindRoot();

    public static string Config(string name) => System.IO.Path.Combine(Root, "config", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "build", "Build.csproj"))) return dir.FullName;
        }
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
