using System.Text.RegularExpressions;

namespace EtcdForge.Download;

// The version recorded is the one the binary reports, not the one asked for: a local archive or the
// distribution fallback may hold another.
public static partial class EtcdVersionProbe
{
    public static async Task<string> ReadAsync(string etcd)
    {
        var result = await ExternalCommand.RunAsync(etcd, ["--version"], TimeSpan.FromSeconds(20));
        if (result.ExitCode != 0)
        {
            throw new ForgeError($"{etcd} --version failed (exit {result.ExitCode}): {result.LastErrorLine}");
        }
        return Parse(result.Stdout)
            ?? throw new ForgeError($"{etcd} --version printed no 'etcd Version: x.y.z' line");
    }

    public static string? Parse(string output) => VersionLine().Match(output) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"^etcd Version:\s*v?(\d+\.\d+\.\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex VersionLine();
}
