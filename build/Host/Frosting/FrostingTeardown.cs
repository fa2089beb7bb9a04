using Cake.Core;

namespace Cake.Frosting;

// As in Cake.Frosting: runs once after the target, whether the tasks succeeded or not (CakeHost.UseTeardown).
public interface IFrostingTeardown
{
    void Teardown(ICakeContext context, ITeardownContext info);
}

public abstract class FrostingTeardown<TContext> : IFrostingTeardown where TContext : ICakeContext
{
    public abstract void Teardown(TContext context, ITeardownContext info);

    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info) => Teardown((TContext)context, info);
}
