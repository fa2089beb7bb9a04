using EtcdForge.Tests.EndToEnd;

namespace EtcdForge.Tests.Docker;

// The Docker suites need a running engine on /var/run/docker.sock (tests/run.sh starts one as root; see there for its flags).
public static class DockerEngineRequirement
{
    /// <returns>why no engine can be used here, or null when one answers.</returns>
    public static string? Missing()
    {
        if (!File.Exists("/var/run/docker.sock")) return "no Docker engine: /var/run/docker.sock is missing (run the tests as root through tests/run.sh, which starts one)";
        var version = ExternalTool.RunWith("docker", null, "version", "--format", "{{.Server.Version}}");
        return version.ExitCode == 0 ? null : $"the Docker engine does not answer: {version.Output.Trim()}";
    }

    // CI must never pass by skipping: there the fixture runs anyway and fails with the reason.
    public static string? SkipReason() =>
        Environment.GetEnvironmentVariable("CI") == "true" ? null : Missing() is { } why ? why + " (skipped outside CI)" : null;
}

public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute() => Skip = DockerEngineRequirement.SkipReason();
}
