using Xunit.Abstractions;
using Xunit.Sdk;

namespace EtcdForge.Tests.Support;

// Runs the tests of a class in the order of their method names (T1_..., T2_...): the cluster is brought up
// once and torn down by the last test. Set for the whole assembly (RunBehaviour.cs).
public sealed class ByMethodName : ITestCaseOrderer
{
    public const string TypeName = "EtcdForge.Tests.Support.ByMethodName";
    public const string Assembly = "EtcdForge.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
