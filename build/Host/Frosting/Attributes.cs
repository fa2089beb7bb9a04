namespace Cake.Frosting;

// Same names and shapes as Cake.Frosting's attributes, so tasks compile unchanged against the real package.
[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependentOnAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}
