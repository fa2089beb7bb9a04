namespace EtcdForge.Tests.Docs;

// The CI examples in docs/examples cannot rot: their jobs run, step by step as the CI system runs them, in a clean
// clone of this repository's HEAD against the sandbox of config/cluster.yaml (moved to loopback addresses no other
// test uses, 127.0.41.11-13), each file with a state directory of its own, in order: the plan job on a fresh
// sandbox (which must report changes pending), the verify job, the backup job. Each step's exit code is judged as
// the CI system judges it, every path a job uploads must exist, and the sandbox is destroyed at the end.
//
// The plan jobs use Plan --detailed-exitcode (issue 21, item 3): on a branch without it these tests fail at the
// plan step ("--detailed-exitcode is not an option").
public sealed class CiExampleTests(CiExampleTests.Clone clone) : IClassFixture<CiExampleTests.Clone>, IDisposable
{
    private const string Loopback = "127.0.41.";

    // One clone for both files: the first step of the first file builds the host in it (about a minute), the
    // second file finds it built.
    public sealed class Clone : IDisposable
    {
        private readonly TempDir _dir = new();
        public string Dir => _dir.Combine("clone");
        public string Scratch => _dir.Path;

        public Clone()
        {
            var head = ExternalTool.Succeed("git", "-C", RepoPaths.Root, "rev-parse", "HEAD").Trim();
            ExternalTool.Succeed("git", "clone", "--quiet", "--no-checkout", RepoPaths.Root, Dir);
            ExternalTool.Succeed("git", "-C", Dir, "checkout", "--quiet", "--detach", head);
            var config = Path.Combine(Dir, "config", "cluster.yaml");
            var text = File.ReadAllText(config);
            Assert.Equal(3, text.Split("address: 127.0.0.").Length - 1);
            File.WriteAllText(config, text.Replace("address: 127.0.0.", "address: " + Loopback));
        }

        public void Dispose() => _dir.Dispose();
    }

    private readonly List<string> _ran = [];

    public void Dispose() { }

    [Fact]
    public void T1_the_GitHub_workflow_runs_on_a_clean_clone()
    {
        var (environment, jobs) = CiExample.GitHub(Path.Combine(clone.Dir, "docs", "examples", "github-actions.yml"));
        var summary = Path.Combine(clone.Scratch, "github-step-summary.md");
        var output = Path.Combine(clone.Scratch, "github-output");
        var state = Play(jobs, environment, "github", new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_WORKSPACE"] = clone.Dir,
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["GITHUB_OUTPUT"] = output,
            ["RUNNER_TEMP"] = clone.Scratch,
        }, afterJob: job =>
        {
            if (job != "plan") return;
            // GitHub's step maps exit 2 to success; what it found is in the summary and the step output.
            Assert.Contains("Changes pending", File.ReadAllText(summary));
            Assert.Contains("changes=true", File.ReadAllLines(output));
        });
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(state, "sandbox", "backups"), "*.db"));
    }

    [Fact]
    public void T2_the_GitLab_file_runs_on_a_clean_clone()
    {
        var (environment, jobs) = CiExample.GitLab(Path.Combine(clone.Dir, "docs", "examples", "gitlab-ci.yml"));
        var exits = new Dictionary<string, int>();
        var state = Play(jobs, environment, "gitlab", new Dictionary<string, string>
        {
            ["GITLAB_CI"] = "true",
            ["CI_PROJECT_DIR"] = clone.Dir,
        }, exits: exits);
        Assert.Equal(2, exits["plan"]);
        Assert.Equal(0, exits["verify"]);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(state, "sandbox", "backups"), "*.db"));
    }

    // Runs every job's steps in order with bash, as the runner would; returns the state directory it used.
    private string Play(IReadOnlyList<CiJob> jobs, IReadOnlyDictionary<string, string> fileEnvironment, string name,
        Dictionary<string, string> runner, Action<string>? afterJob = null, Dictionary<string, int>? exits = null)
    {
        Assert.Contains(jobs, j => j.Name == "plan");
        // A fresh checkout: nothing a previous file's jobs left in the work tree (the built host is kept).
        ExternalTool.Succeed("git", "-C", clone.Dir, "clean", "-fdxq", "-e", "/build/bin/", "-e", "/build/obj/");
        var state = Path.Combine(clone.Scratch, $"state-{name}");
        var environment = new Dictionary<string, string>(fileEnvironment) { ["CI"] = "true" };
        foreach (var (key, value) in runner) environment[key] = value;
        // The one change to the file's own settings: its state directory is a scratch one, not /var/lib/etcd-forge.
        Assert.True(environment.ContainsKey("ETCD_FORGE_STATE"), "the example no longer sets ETCD_FORGE_STATE");
        environment["ETCD_FORGE_STATE"] = state;
        try
        {
            foreach (var job in jobs)
            {
                var last = 0;
                foreach (var step in job.Steps)
                {
                    var stepEnvironment = new Dictionary<string, string>(environment);
                    foreach (var (key, value) in step.Environment) stepEnvironment[key] = value;
                    var script = Path.Combine(clone.Scratch, $"{name}-{job.Name}-{_ran.Count}.sh");
                    var workDir = step.WorkingDirectory is null ? clone.Dir : Path.Combine(clone.Dir, step.WorkingDirectory);
                    File.WriteAllText(script, $"cd '{workDir}'\n{step.Script}\n");
                    var result = ExternalTool.RunWithin(TimeSpan.FromMinutes(15), "bash", stepEnvironment, "--noprofile", "--norc", "-eo", "pipefail", script);
                    _ran.Add($"{name} {job.Name}: {step.Name} -> exit {result.ExitCode}");
                    last = result.ExitCode;
                    Assert.True(result.ExitCode == 0 || job.AllowedExitCodes.Contains(result.ExitCode),
                        $"{name}, job {job.Name}, step '{step.Name}' exited {result.ExitCode}, which fails the job:\n{result}\n" +
                        $"steps so far:\n{string.Join("\n", _ran)}");
                }
                exits?.Add(job.Name, last);
                foreach (var upload in job.Uploads)
                {
                    var path = Path.Combine(clone.Dir, upload);
                    Assert.True(File.Exists(path) || Directory.Exists(path) && Directory.EnumerateFiles(path).Any(),
                        $"{name}, job {job.Name} uploads {upload}, which is missing after its steps");
                }
                afterJob?.Invoke(job.Name);
            }
            return state;
        }
        finally
        {
            if (Directory.Exists(Path.Combine(state, "sandbox", "bundles")))
            {
                var destroy = ExternalTool.RunWithin(TimeSpan.FromMinutes(5), "bash", null, "-c",
                    $"cd '{clone.Dir}' && ./build.sh --target=Destroy --yes --config=config/cluster.yaml --artifacts='{state}'");
                Assert.True(destroy.ExitCode == 0, $"tearing the {name} sandbox down failed:\n{destroy}");
            }
        }
    }
}
