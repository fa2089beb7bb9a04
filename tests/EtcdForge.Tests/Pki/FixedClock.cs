namespace EtcdForge.Tests.Pki;

// Lets a test stand at any moment, e.g. inside a certificate's renewBefore window.
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
