using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge;

public sealed class BuildContext : FrostingContext
{
    public const string DefaultConfig = "config/cluster.yaml";

    public Cluster Cluster { get; }
    public ArtifactLayout Artifacts { get; }
    public TimeProvider Clock { get; } = TimeProvider.System;
    public SshOptions Ssh { get; }
    public TimeSpan BootstrapTimeout { get; }
    public NodeFanOut Nodes => new(Cluster.Nodes, Ssh, Log);

    public NodePaths PathsOf(Node node) => NodePaths.For(node, Cluster, Artifacts);

    // What a node should hold: the bundle Package built for it, mapped onto the node's paths.
    public Deploy.NodeInstallPlan InstallPlanOf(Node node) => Deploy.NodeInstallPlan.FromBundle(node, PathsOf(node), Artifacts.NodeBundle(node.Name));

    // The description is loaded and validated here, before any task runs (also under --dryrun, which writes nothing).
    public BuildContext(ICakeContext context) : base(context)
    {
        var configPath = context.Arguments.HasArgument("config")
            ? context.Arguments.GetArgument("config")
            : DefaultConfig;
        var loaded = ClusterLoader.Load(configPath);
        foreach (var warning in loaded.Warnings) context.Log.Warning("{0}", warning);
        Cluster = loaded.Cluster;
        var artifactsRoot = context.Arguments.HasArgument("artifacts")
            ? context.Arguments.GetArgument("artifacts")
            : "artifacts";
        Artifacts = new ArtifactLayout(artifactsRoot, Cluster.Name);
        // Trust on first use only when asked for; it records the keys in each node's knownHosts file. The key
        // passphrase comes from the environment, never the command line: arguments show in ps and in Cake's logs.
        Ssh = new SshOptions
        {
            TrustOnFirstUse = Flag(context, "trust-new-host-keys"),
            KeyPassphrase = Environment.GetEnvironmentVariable(SshOptions.PassphraseVariable) is { Length: > 0 } passphrase ? passphrase : null,
        };
        BootstrapTimeout = TimeSpan.FromSeconds(context.Arguments.HasArgument("bootstrap-timeout")
            && int.TryParse(context.Arguments.GetArgument("bootstrap-timeout"), out var seconds) ? seconds : 60);
    }

    public static bool Flag(ICakeContext context, string name) =>
        context.Arguments.HasArgument(name) && !string.Equals(context.Arguments.GetArgument(name), "false", StringComparison.OrdinalIgnoreCase);
}
