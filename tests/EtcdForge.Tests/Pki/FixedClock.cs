namespace EtcdForge.Tests.Pki;

// Lets a test stand at any moment, e.g. inside a certificate's renewBefore window.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
