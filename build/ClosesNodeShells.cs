using Cake.Core;

namespace EtcdForge;

// The run keeps one connection per node across tasks (NodeShellPool); they are closed here, after the last task.
public sealed class ClosesNodeShells : FrostingTeardown<BuildContext>
{
    public override void Teardown(BuildContext context, ITeardownContext info) =>
        context.Shells.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
