using EtcdForge.Artifacts;

namespace EtcdForge.Pki;

internal static class PrivateKeyMode
{
    // A key copied in by hand may have been left world-readable; tightening it is a change worth reporting.
    public static PkiChange? Tighten(string keyPath)
    {
        var mode = File.GetUnixFileMode(keyPath);
        if (mode == AtomicFile.PrivateMode) return null;
        File.SetUnixFileMode(keyPath, AtomicFile.PrivateMode);
        return new PkiChange(Path.GetFileName(keyPath), "mode set to 0600", $"was {Octal(mode)}");
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
