using Cake.Core;
using EtcdForge.Artifacts;
using EtcdForge.CommandLine;
using EtcdForge.Configuration;
using EtcdForge.Deploy;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge;

// What every task reads, made once before any task runs: the options, the validated description, where the
// artifacts go, the clock, one shell per node and the fan-out over the nodes, and per-node install state
// that is read lazily (InstallPlans).
public sealed class BuildContext : FrostingContext, ISuccessExitCode
{
    public ForgeOptions Options { get; }
    public Cluster Cluster { get; }
    public ArtifactLayout Artifacts { get; }
    public TimeProvider Clock { get; } = TimeProvider.System;
    public SshOptions Ssh { get; }
    public NodeShellPool Shells { get; }
    public NodeFanOut Nodes { get; }
    /// <summary>The node --node names, checked against the description before any task runs.</summary>
    public Node? ReplacedNode { get; }

    /// <summary>Set by Plan when it found something to change; with --detailed-exitcode the run then exits 2.</summary>
    public bool ChangesPending { get; set; }

    public int SuccessExitCode => Options.DetailedExitCode && ChangesPending ? 2 : ExitCodes.Success;

    // A step on some of the nodes only (the first node's smoke test, one member of a rolling restart).
    public NodeFanOut NodesOf(params IReadOnlyList<Node> nodes) => new(nodes, Shells, Log);

    public NodePaths PathsOf(Node node) => NodePaths.For(node, Cluster, Artifacts);

    // Per-node install plans and their fingerprints, read from the bundles on first use.
    public InstallPlans InstallPlans { get; }

    /// <summary>Where each node's etcd service comes from (a docker member's with its container).</summary>
    public Services.EtcdServices Services { get; }

    private Task<Planning.ConvergencePlan>? _plan;

    /// <summary>This run's plan, made once by the planner at its first use (DeployNodes, after the local tasks, in
    /// an ordinary run; Plan itself) from what the artifacts and the nodes show then; every target carries out its
    /// part of it. Plan --for=RotateCa adds the rotation's phases.</summary>
    public Task<Planning.ConvergencePlan> PlanAsync() => _plan ??= MakePlanAsync(rotation: Options.PlanFor is not null && Options.PlansRotation);

    /// <summary>After a step that changes the artifacts within the run (a CA rotation's phase), the next task plans
    /// afresh.</summary>
    public void ForgetPlan() => _plan = null;

    private async Task<Planning.ConvergencePlan> MakePlanAsync(bool rotation)
    {
        var seen = await new Planning.ClusterObserver(Cluster, Artifacts, Clock, Nodes, Services)
            .ObserveAsync(rotation, Options.ForcesRotation, Options.RenewsAllLeaves, default);
        return Planning.ConvergencePlanner.Plan(Cluster, Artifacts, seen, Options.Yes, rotation, Options.PlansReplacement ? ReplacedNode : null);
    }

    /// <summary>The steps this run carried out (reports/applied.json).</summary>
    public Planning.AppliedSteps Applied { get; }

    public Backup.BackupStore Backups => new(Artifacts.Backups, Cluster.Name);

    // A snapshot checked with the tool of the etcd DownloadEtcd obtained (etcdutl reads older versions' snapshots too).
    public Backup.BackupRun NewBackupRun()
    {
        var etcd = Download.EtcdBinaries.Load(Artifacts);
        var interactive = Download.TransferDisplay.IsInteractive(Environment.GetEnvironmentVariable("CI"), Console.IsOutputRedirected);
        return new Backup.BackupRun(Cluster, Client.ClusterIdentities.Operator(Cluster, Artifacts), Backups,
            new Backup.SnapshotTool(etcd.ParsedVersion), etcd.BinDir, Download.TransferDisplay.For(interactive, Log), Clock, Log);
    }

    // The description is loaded and validated here, before any task runs (also under --dryrun, which writes nothing).
    public BuildContext(ICakeContext context) : base(context)
    {
        Options = ForgeOptions.Parse(context.Arguments.GetArguments(), context.Environment.GetEnvironmentVariable(ForgeOptions.CallerDirectoryVariable));
        var loaded = ClusterLoader.Load(Options.Config);
        foreach (var warning in loaded.Warnings) context.Log.Warning("{0}", warning);
        Cluster = loaded.Cluster;
        var artifactsRoot = Options.ArtifactsRoot;
        if (ArtifactLayout.FileInTheWay(artifactsRoot) is { } file)
        {
            throw new ForgeError(file == Path.GetFullPath(artifactsRoot)
                ? $"--artifacts={artifactsRoot} is a file; pass a directory for the build output (default: artifacts)"
                : $"--artifacts={artifactsRoot}: {file} is a file, not a directory; pass a directory for the build output (default: artifacts)");
        }
        Artifacts = new ArtifactLayout(artifactsRoot, Cluster.Name);
        Services = new Services.EtcdServices(Cluster, Artifacts);
        // Trust on first use only when asked for; it records the keys in each node's knownHosts file.
        // The passphrase of encrypted key files comes from the environment, never from the command line or the
        // description, so it stays out of shell history, process lists and version control.
        Ssh = new SshOptions
        {
            TrustOnFirstUse = Options.TrustNewHostKeys,
            KeyPassphrase = context.Environment.GetEnvironmentVariable(SshOptions.PassphraseVariable) is { Length: > 0 } passphrase ? passphrase : null,
        };
        Shells = new NodeShellPool(Ssh);
        Nodes = NodesOf(Cluster.Nodes);
        Applied = new Planning.AppliedSteps(Artifacts, Cluster.Name, Clock, Log);
        InstallPlans = new InstallPlans(Cluster, Artifacts, node => Services.ContainerOf(node)?.Image?.Id);
        ReplacedNode = Options.Node is not { } name ? null
            : Cluster.Nodes.FirstOrDefault(n => n.Name == name)
              ?? throw new ForgeError($"--node={name}: no such node in {Cluster.SourceFile}; one of {string.Join(", ", Cluster.Nodes.Select(n => n.Name))}");
    }
}
