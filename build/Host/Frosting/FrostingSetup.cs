using Cake.Core;

namespace Cake.Frosting;

// As in Cake.Frosting: runs once before the first task (CakeHost.UseSetup); Cake's dry run calls it too.
public interface IFrostingSetup
{
    void Setup(ICakeContext context, ISetupContext info);
}

public abstract class FrostingSetup<TContext> : IFrostingSetup where TContext : ICakeContext
{
    public abstract void Setup(TContext context, ISetupContext info);

    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info) => Setup((TContext)context, info);
}
