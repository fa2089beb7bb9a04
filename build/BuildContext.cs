using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge;

public sealed class BuildContext : FrostingContext
{
    public const string DefaultConfig = "config/cluster.yaml";

    public Cluster Cluster { get; }
    public ArtifactLayout Artifacts { get; }
    public TimeProvider Clock { get; } = TimeProvider.System;

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
    }
}
