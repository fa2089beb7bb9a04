using System.Reflection;
using Cake.Core;

namespace Cake.Frosting;

internal sealed record TaskRegistration(Type Type, string Name, string? Description, IReadOnlyList<string> Dependencies)
{
    public static IEnumerable<TaskRegistration> Discover(IEnumerable<Assembly> assemblies) =>
        assemblies.Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(IFrostingTask).IsAssignableFrom(t) && t is { IsAbstract: false, IsClass: true })
            .Select(t => new TaskRegistration(
                t,
                NameOf(t),
                t.GetCustomAttribute<TaskDescriptionAttribute>()?.Description,
                t.GetCustomAttributes<IsDependentOnAttribute>().Select(d => NameOf(d.Task)).ToList()))
            .OrderBy(r => r.Name, StringComparer.Ordinal);

    private bool Overrides(string method) =>
        Type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Any(m => m.Name == method && m.DeclaringType is { IsGenericType: false } declaring && declaring == Type);

    public static string NameOf(Type task) => task.GetCustomAttribute<TaskNameAttribute>()?.Name ?? task.Name;

    public void RegisterWith(ICakeEngine engine)
    {
        var builder = engine.RegisterTask(Name);
        if (Description is not null) builder.Description(Description);
        foreach (var dependency in Dependencies) builder.IsDependentOn(dependency);
        // One instance per run, created when the engine first touches the task.
        var task = new Lazy<IFrostingTask>(() => (IFrostingTask)Activator.CreateInstance(Type)!);
        builder.WithCriteria(context => task.Value.ShouldRun(context))
            .Does(context => task.Value.RunAsync(context));
        // As in Cake.Frosting, an error handler is registered only when overridden: Cake treats a
        // registered handler as having dealt with the error.
        if (Overrides(nameof(FrostingTask<ICakeContext>.OnError)))
            builder.OnError((exception, context) => task.Value.OnError(exception, context));
        if (Overrides(nameof(FrostingTask<ICakeContext>.Finally)))
            builder.Finally(context => task.Value.Finally(context));
    }
}
