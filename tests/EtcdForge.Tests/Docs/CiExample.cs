using YamlDotNet.RepresentationModel;

namespace EtcdForge.Tests.Docs;

// The jobs of a CI example file, read as the CI system reads them, each a list of shell steps with the environment
// the file gives them, what may exit non-zero, and the paths the job uploads.
public sealed record CiJob(string Name, IReadOnlyList<CiStep> Steps, IReadOnlyList<int> AllowedExitCodes, IReadOnlyList<string> Uploads);

public sealed record CiStep(string Name, string Script, IReadOnlyDictionary<string, string> Environment, string? WorkingDirectory);

public static class CiExample
{
    /// <summary>GitHub Actions: jobs in file order; each `run:` a step of its own (bash -eo pipefail, as GitHub's
    /// default shell runs it); actions/upload-artifact's `path:` an upload. Workflow, job and step `env:` combine.</summary>
    public static (IReadOnlyDictionary<string, string> Environment, IReadOnlyList<CiJob> Jobs) GitHub(string file)
    {
        var root = Load(file);
        var jobs = new List<CiJob>();
        foreach (var (jobName, jobNode) in Mapping(root, "jobs"))
        {
            var job = (YamlMappingNode)jobNode;
            var jobEnv = Env(job);
            var steps = new List<CiStep>();
            var uploads = new List<string>();
            foreach (var stepNode in ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>())
            {
                var uses = Text(stepNode, "uses");
                if (uses is not null)
                {
                    var action = uses.Split('@')[0];
                    if (action == "actions/upload-artifact") uploads.AddRange(Text((YamlMappingNode)stepNode.Children[new YamlScalarNode("with")], "path")!.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    else if (action is not ("actions/checkout" or "actions/setup-dotnet"))
                        throw new InvalidOperationException($"{file}: job {jobName} uses {uses}, which this test cannot play; teach CiExample what it does");
                    continue;
                }
                if (Text(stepNode, "shell") is { } shell && shell != "bash")
                    throw new InvalidOperationException($"{file}: job {jobName} has a step with shell {shell}; the test runs bash steps only");
                var script = Text(stepNode, "run") ?? throw new InvalidOperationException($"{file}: job {jobName} has a step with neither run nor uses");
                steps.Add(new CiStep(Text(stepNode, "name") ?? script.Split('\n')[0], script,
                    new Dictionary<string, string>(jobEnv.Concat(Env(stepNode))), Text(stepNode, "working-directory")));
            }
            jobs.Add(new CiJob(jobName, steps, [], uploads));
        }
        return (Env(root), jobs);
    }

    /// <summary>GitLab CI: jobs in stage order, then file order; before_script and script run as one shell (GitLab
    /// runs them in one bash session with errexit and pipefail); allow_failure's exit_codes may end it; the
    /// artifacts' paths and JUnit report are uploads.</summary>
    public static (IReadOnlyDictionary<string, string> Environment, IReadOnlyList<CiJob> Jobs) GitLab(string file)
    {
        var root = Load(file);
        var stages = root.Children.TryGetValue(new YamlScalarNode("stages"), out var s)
            ? ((YamlSequenceNode)s).Children.Select(c => ((YamlScalarNode)c).Value!).ToList()
            : ["build", "test", "deploy"];
        var reserved = new HashSet<string> { "variables", "stages", "default", "workflow", "include", "image", "services", "cache", "before_script", "after_script" };
        var defaults = root.Children.TryGetValue(new YamlScalarNode("default"), out var d) ? (YamlMappingNode)d : new YamlMappingNode();
        var jobs = new List<(int Stage, CiJob Job)>();
        foreach (var (jobName, jobNode) in root.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)))
        {
            if (reserved.Contains(jobName) || jobName.StartsWith('.')) continue;
            var job = (YamlMappingNode)jobNode;
            if (job.Children.ContainsKey(new YamlScalarNode("after_script")))
                throw new InvalidOperationException($"{file}: job {jobName} has after_script; the test does not play it");
            var lines = Lines(job, "before_script") ?? Lines(defaults, "before_script") ?? [];
            var script = string.Join('\n', lines.Concat(Lines(job, "script") ?? throw new InvalidOperationException($"{file}: job {jobName} has no script")));
            var allowed = job.Children.TryGetValue(new YamlScalarNode("allow_failure"), out var a) && a is YamlMappingNode allow
                ? [.. ((YamlSequenceNode)allow.Children[new YamlScalarNode("exit_codes")]).Children.Select(c => int.Parse(((YamlScalarNode)c).Value!))]
                : new List<int>();
            var uploads = new List<string>();
            if (job.Children.TryGetValue(new YamlScalarNode("artifacts"), out var art) && art is YamlMappingNode artifacts)
            {
                uploads.AddRange(Lines(artifacts, "paths") ?? []);
                if (artifacts.Children.TryGetValue(new YamlScalarNode("reports"), out var r) && r is YamlMappingNode reports)
                    uploads.AddRange(Lines(reports, "junit") ?? []);
            }
            var stage = stages.IndexOf(Text(job, "stage") ?? "test");
            jobs.Add((stage, new CiJob(jobName, [new CiStep(jobName, script, Env(job, "variables"), null)], allowed, uploads)));
        }
        return (Env(root, "variables"), [.. jobs.OrderBy(j => j.Stage).Select(j => j.Job)]);
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(file)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<(string, YamlNode)> Mapping(YamlMappingNode node, string key) =>
        ((YamlMappingNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value));

    private static Dictionary<string, string> Env(YamlMappingNode node, string key = "env") =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var env) && env is YamlMappingNode map
            ? map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? "")
            : [];

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    // A key that holds one command or a list of them.
    private static List<string>? Lines(YamlMappingNode node, string key) =>
        !node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? null
        : value is YamlSequenceNode list ? [.. list.Children.Select(c => ((YamlScalarNode)c).Value!)]
        : [((YamlScalarNode)value).Value!];
}
