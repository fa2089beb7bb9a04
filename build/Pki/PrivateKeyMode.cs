using EtcdForge.Artifacts;

namespace EtcdForge.Pki;

internal static class PrivateKeyMode
{
    public const string Action = "mode set to 0600";

    // A key copied in by hand may have been left world-readable; tightening it is a change worth reporting.
    public static PkiChange? Needed(string keyPath)
    {
        var mode = File.GetUnixFileMode(keyPath);
        return mode == AtomicFile.PrivateMode ? null : new PkiChange(Path.GetFileName(keyPath), Action, $"was {UnixModes.Octal(mode)}");
    }

    public static PkiChange? Tighten(string keyPath)
    {
        var change = Needed(keyPath);
        if (change is not null) File.SetUnixFileMode(keyPath, AtomicFile.PrivateMode);
        return change;
    }
}
