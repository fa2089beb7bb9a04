using Cake.Frosting;

namespace EtcdForge.Tasks;

[TaskName("Default")]
[TaskDescription("Builds every artifact: the same as --target=Package")]

public sealed class DefaultTask : FrostingTask<BuildContext>;
