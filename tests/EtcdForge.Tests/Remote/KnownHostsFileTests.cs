using System.Security.Cryptography;
using System.Text;
using EtcdForge.Remote;

namespace EtcdForge.Tests.Remote;

// Like the build, the tests run on Unix only.
public sealed class KnownHostsFileTests
{
    private static readonly SshHostKey Key = MakeKey("ssh-ed25519", 1);
    private static readonly SshHostKey Other = MakeKey("ssh-ed25519", 2);

    [Theory]
    [InlineData("10.0.0.1,198.18.0.11", "198.18.0.11", true)]
    [InlineData("198.18.0.*", "198.18.0.11", true)]
    [InlineData("198.18.0.*,!198.18.0.11", "198.18.0.11", false)]
    [InlineData("198.18.0.1?", "198.18.0.11", true)]
    [InlineData("198.18.0.11", "[198.18.0.11]:2222", false)]
    [InlineData("[198.18.0.11]:2222", "[198.18.0.11]:2222", true)]
    public void Plain_patterns(string patterns, string hostName, bool listed)
    {
        using var temp = new TempDir();
        var file = new KnownHostsFile(temp.File("known_hosts", $"# comment\n\n{patterns} {Key.Type} {Key.Base64} a comment\n"));

        Assert.Equal(listed, file.KeysFor(hostName).Any(k => k.Key.SameAs(Key)));
    }

    [Fact]
    public void Hashed_names_revoked_keys_and_appends()
    {
        using var temp = new TempDir();
        var salt = RandomNumberGenerator.GetBytes(20);
        var hash = HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes("[198.18.0.12]:2200"));
        var path = temp.File("known_hosts",
            $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} {Key.Type} {Key.Base64}\n" +
            $"@revoked * {Other.Type} {Other.Base64}");
        var file = new KnownHostsFile(path);

        Assert.Equal([(Key, false), (Other, true)], file.KeysFor(KnownHostsFile.HostName("198.18.0.12", 2200)).Select(k => (Pick(k.Key), k.Revoked)));
        Assert.Equal([(Other, true)], file.KeysFor("198.18.0.13").Select(k => (Pick(k.Key), k.Revoked)));

        file.Append("198.18.0.13", Key);
        Assert.EndsWith($"\n198.18.0.13 ssh-ed25519 {Key.Base64}\n", File.ReadAllText(path));
        Assert.Contains(file.KeysFor("198.18.0.13"), k => k.Key.SameAs(Key) && !k.Revoked);
    }

    [Fact]
    public void Fingerprint_is_in_ssh_keygen_format()
    {
        Assert.Matches("^SHA256:[A-Za-z0-9+/]{43}$", Key.Fingerprint);
        Assert.Equal("ssh-ed25519", Key.Type);
    }

    private static SshHostKey Pick(SshHostKey key) => key.SameAs(Key) ? Key : key.SameAs(Other) ? Other : key;

    internal static SshHostKey MakeKey(string type, byte fill)
    {
        var name = Encoding.ASCII.GetBytes(type);
        var blob = new byte[4 + name.Length + 4 + 32];
        blob[3] = (byte)name.Length;
        name.CopyTo(blob, 4);
        blob[4 + name.Length + 3] = 32;
        blob.AsSpan(4 + name.Length + 4).Fill(fill);
        return new SshHostKey(blob);
    }
}
