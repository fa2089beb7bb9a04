using System.Security.Cryptography;

namespace EtcdForge.Download;

public static class Sha256File
{
    public static string Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    // A SHA256SUMS line is "<hex>  <name>" ("*<name>" in binary mode, as sha256sum -b writes it).
    public static string? FindInSums(string sumsText, string fileName)
    {
        foreach (var line in sumsText.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].Trim().TrimStart('*') == fileName) return parts[0].ToLowerInvariant();
        }
        return null;
    }

    public static ForgeError Mismatch(string what, string expected, string actual, string expectedFrom) =>
        new($"{what}: SHA-256 mismatch: expected {expected} ({expectedFrom}), got {actual}; the file was removed: " +
            $"check {expectedFrom} and where the file came from, then run again");
}
