using EtcdForge.Tests.Remote;
using Xunit.Abstractions;

namespace EtcdForge.Tests.Support;

// Starts the "test hosts" collection before the others. Its classes share four SSH test hosts and run one after
// another (about 18 of a run's 24 minutes when it still held SshCorpusTests, 2026-12-02), so it is the run's
// critical path; with xunit's own order it started 4.5 minutes in, behind collections that could have run beside
// it. The rest keep the order xunit gives them. Set for the whole assembly (RunBehaviour.cs).
public sealed class CriticalPathFirst : ITestCollectionOrderer
{
    public const string TypeName = "EtcdForge.Tests.Support.CriticalPathFirst";
    public const string Assembly = "EtcdForge.Tests";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == TestHostsCollection.Name ? 0 : 1);
}
