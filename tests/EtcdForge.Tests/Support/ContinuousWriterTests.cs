using EtcdForge.Tests.Pki;

namespace EtcdForge.Tests.Support;

// The judge of every day-2 test must be able to say "lost": it is run here against a real member, and then
// against the same member after an acknowledged write was taken away behind its back.
public sealed class ContinuousWriterTests
{
    [Fact]
    public async Task CountsAcknowledgedWritesAndFindsOneThatWasLost()
    {
        using var member = new TlsMember();
        WriterReport report;
        await using (var writer = ContinuousWriter.Start(member.Endpoint, member.CaCert, member.ClientCert, member.ClientKey, prefix: "t"))
        {
            await writer.WaitForMoreAsync(20);
            report = await writer.StopAsync();
        }
        Assert.True(report.Acknowledged >= 20, report.ToString());
        Assert.Equal(0, report.FailedAttempts);
        Assert.Equal(Enumerable.Range(1, report.Acknowledged).Select(i => (long)i), report.Acks.Select(a => a.Value));
        Assert.True(report.Acks.Zip(report.Acks.Skip(1)).All(p => p.Second.Revision > p.First.Revision), "revisions must grow with the counter");
        await report.AssertNoLossAsync(member.Endpoint, member.CaCert, member.ClientCert, member.ClientKey);

        var victim = WriterReport.LogKey("t", report.Acks[report.Acknowledged / 2].Value);
        Assert.Contains("1", member.Etcdctl("del", victim).Stdout);
        var lost = await Assert.ThrowsAnyAsync<Exception>(() => report.AssertNoLossAsync(member.Endpoint, member.CaCert, member.ClientCert, member.ClientKey));
        Assert.Contains("1 acknowledged writes lost", lost.Message);
    }

    [Fact]
    public async Task AFailedAttemptIsCountedAndRetriedWithTheSameValue()
    {
        using var member = new TlsMember();
        // The first endpoint refuses connections (nothing listens there): every write must go to the second.
        await using var writer = ContinuousWriter.Start(["https://127.0.0.1:1", member.Endpoint], member.CaCert, member.ClientCert, member.ClientKey, prefix: "r");
        await writer.WaitForMoreAsync(5);
        var report = await writer.StopAsync();
        Assert.True(report.FailedAttempts >= 1, report.ToString());
        Assert.Equal(1, report.Acks[0].Value);
        Assert.All(report.Acks, a => Assert.Equal(member.Endpoint, a.Endpoint));
        await report.AssertNoLossAsync(member.Endpoint, member.CaCert, member.ClientCert, member.ClientKey);
    }
}
