using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace EtcdForge.Pki;

internal static class CertificateFields
{
    private static readonly SecureRandom Random = new();

    // Nodes' clocks may lag the build machine's by a little; a certificate that is not yet valid there fails the handshake.
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    // Random, so two certificates from the same CA never share a serial even across rebuilt machines.
    public static BigInteger NewSerial() => new BigInteger(128, Random).SetBit(127);
}
