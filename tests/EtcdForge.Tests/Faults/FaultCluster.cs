using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Faults;

// The cluster the fault tests break and heal, on the SSH test hosts. Nothing is built up front: the first test
// builds it from nothing while breaking it (tests run in name order, see FaultTests).
public sealed class FaultCluster() : TestHostCluster("faults", TestHosts.Key("id_ed25519"))
{
    public override void Dispose()
    {
        try
        {
            // A failed test may have left a host cut off or slowed; Destroy needs them all.
            for (var host = 1; host <= Nodes.Length && Directory.Exists(TestHosts.PrivateRoot(host)); host++)
            {
                TestHosts.ScriptAsync("link", host.ToString(), "up").GetAwaiter().GetResult();
                TestHosts.ScriptAsync("rate", host.ToString(), "none").GetAwaiter().GetResult();
            }
        }
        finally
        {
            base.Dispose();
        }
    }
}
