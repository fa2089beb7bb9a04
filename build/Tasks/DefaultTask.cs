namespace EtcdForge.Tasks;

[TaskName("Default")]
[TaskDescription("Builds every artifact: the same as --target=Package")]
[IsDependentOn(typeof(PackageTask))]

public sealed class DefaultTask : FrostingTask<BuildContext>;
