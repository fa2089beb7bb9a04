using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EtcdForge.Remote;

// The OpenSSH known_hosts format: "[@marker] hosts keytype base64 [comment]", where hosts is either a
// comma-separated list of patterns (with * ? and ! negation) or one hashed name "|1|salt|hmac-sha1".
// Names are "host" for port 22 and "[host]:port" otherwise. @cert-authority lines are not supported.
public sealed class KnownHostsFile(string path)
{
    private static readonly Lock AppendLock = new();

    public string Path { get; } = path;

    public static string HostName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>The keys listed for <paramref name="hostName"/>, and whether each is marked @revoked.</summary>
    public IReadOnlyList<(SshHostKey Key, bool Revoked)> KeysFor(string hostName)
    {
        if (!File.Exists(Path)) return [];
        var keys = new List<(SshHostKey, bool)>();
        foreach (var raw in File.ReadLines(Path))
        {
            var fields = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#')) continue;
            var revoked = fields[0] == "@revoked";
            if (fields[0].StartsWith('@') && !revoked) continue;
            var at = fields[0].StartsWith('@') ? 1 : 0;
            if (fields.Length < at + 3 || !Matches(fields[at], hostName)) continue;
            if (TryDecode(fields[at + 2]) is { } blob && new SshHostKey(blob) is var key && key.Type == fields[at + 1])
            {
                keys.Add((key, revoked));
            }
        }
        return keys;
    }

    public void Append(string hostName, SshHostKey key)
    {
        lock (AppendLock)
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
            Directory.CreateDirectory(dir);
            var needsNewline = File.Exists(Path) && new FileInfo(Path).Length > 0 && !File.ReadAllText(Path).EndsWith('\n');
            File.AppendAllText(Path, $"{(needsNewline ? "\n" : "")}{hostName} {key.Type} {key.Base64}\n");
        }
    }

    private static bool Matches(string hosts, string hostName)
    {
        if (hosts.StartsWith("|1|", StringComparison.Ordinal)) return HashedMatches(hosts, hostName);
        var matched = false;
        foreach (var pattern in hosts.Split(','))
        {
            var negated = pattern.StartsWith('!');
            if (!Glob(negated ? pattern[1..] : pattern, hostName)) continue;
            if (negated) return false;
            matched = true;
        }
        return matched;
    }

    private static bool HashedMatches(string hashed, string hostName)
    {
        var parts = hashed.Split('|');
        if (parts.Length != 4 || TryDecode(parts[2]) is not { } salt || TryDecode(parts[3]) is not { } hash) return false;
        return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(hostName)), hash);
    }

    private static bool Glob(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static byte[]? TryDecode(string base64)
    {
        try { return Convert.FromBase64String(base64); }
        catch (FormatException) { return null; }
    }
}
