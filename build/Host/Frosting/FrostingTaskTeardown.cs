using Cake.Core;

namespace Cake.Frosting;

// As in Cake.Frosting: runs after every task, whether it succeeded, failed or was skipped (CakeHost.UseTaskTeardown).
public interface IFrostingTaskTeardown
{
    void Teardown(ICakeContext context, ITaskTeardownContext info);
}

public abstract class FrostingTaskTeardown<TContext> : IFrostingTaskTeardown where TContext : ICakeContext
{
    public abstract void Teardown(TContext context, ITaskTeardownContext info);

    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((TContext)context, info);
}
