namespace EtcdForge.Tests.Packaging;

// Each test gets a cluster of its own, issued and packed in a temp dir (PackagingFixture), removed afterwards.
public abstract class PackagingTest(IReadOnlyList<(string Name, string Address)>? nodes = null) : IDisposable
{
    protected PackagingFixture Packed { get; } = new(nodes);

    public void Dispose() => Packed.Dispose();
}
