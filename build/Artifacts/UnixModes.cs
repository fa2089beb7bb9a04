namespace EtcdForge.Artifacts;

public static class UnixModes
{
    // "0600": how modes are written for people, for install -m and in digests.
    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
