namespace EtcdForge.Tests.BadInput;

// Root reads every file whatever its mode, so "a key file this user cannot read" needs a host without that
// power: setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set, and the host runs as a
// root that file modes apply to. Other users need nothing.
internal static class UnprivilegedReader
{
    public static IReadOnlyList<string> Launcher { get; } = Environment.UserName == "root"
        ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
        : [];
}
