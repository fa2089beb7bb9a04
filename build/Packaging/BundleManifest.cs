using System.Text;

namespace EtcdForge.Packaging;

// SHA256SUMS in the format `sha256sum -c` reads, so install.sh can refuse a damaged or tampered bundle
// before it touches the host.
public static class BundleManifest
{
    public const string FileName = "SHA256SUMS";

    public static BundleEntry For(IEnumerable<BundleEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries.Where(e => !e.IsDirectory).OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            text.Append(entry.Sha256).Append("  ").Append(entry.Path).Append('\n');
        }
        return BundleEntry.Text(FileName, text.ToString());
    }
}
