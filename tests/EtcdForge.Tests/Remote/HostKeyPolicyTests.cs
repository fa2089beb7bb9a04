using System.Net;
using EtcdForge.Configuration;
using EtcdForge.Remote;

namespace EtcdForge.Tests.Remote;

// Like the build, the tests run on Unix only.
public sealed class HostKeyPolicyTests
{
    private static readonly SshHostKey Ed25519 = KnownHostsFileTests.MakeKey("ssh-ed25519", 1);
    private static readonly SshHostKey OtherEd25519 = KnownHostsFileTests.MakeKey("ssh-ed25519", 2);
    private static readonly SshHostKey Rsa = KnownHostsFileTests.MakeKey("ssh-rsa", 3);

    [Fact]
    public void Pinned_fingerprint_wins_over_known_hosts()
    {
        using var temp = new TempDir();
        var knownHosts = temp.File("known_hosts", $"198.18.0.11 {OtherEd25519.Type} {OtherEd25519.Base64}\n");
        var policy = new HostKeyPolicy(Node(hostKey: Ed25519.Fingerprint, knownHosts: knownHosts), trustOnFirstUse: false);

        Assert.Null(policy.Reject(Ed25519));
        Assert.Contains($"hostKey pins {Ed25519.Fingerprint}", policy.Reject(OtherEd25519)?.Message);
    }

    [Fact]
    public void A_listed_key_of_another_type_is_not_called_a_change()
    {
        using var temp = new TempDir();
        var knownHosts = temp.File("known_hosts", $"198.18.0.11 {Rsa.Type} {Rsa.Base64}\n");
        var policy = new HostKeyPolicy(Node(knownHosts: knownHosts), trustOnFirstUse: true);

        var rejection = policy.Reject(Ed25519);

        Assert.Equal($"n1: {knownHosts} lists only ssh-rsa keys for 198.18.0.11, but the server presented {Ed25519}; " +
            "verify that key and add it to known_hosts", rejection?.Message);
    }

    [Fact]
    public void Revoked_key_is_refused_even_with_trust_on_first_use()
    {
        using var temp = new TempDir();
        var knownHosts = temp.File("known_hosts", $"@revoked 198.18.0.11 {Ed25519.Type} {Ed25519.Base64}\n");
        var policy = new HostKeyPolicy(Node(knownHosts: knownHosts), trustOnFirstUse: true);

        Assert.Contains("@revoked", policy.Reject(Ed25519)?.Message);
    }

    [Fact]
    public void A_node_without_any_host_key_source_is_refused_before_connecting()
    {
        var error = Assert.Throws<NodeError>(() => new HostKeyPolicy(Node(), trustOnFirstUse: true));

        Assert.StartsWith("n1: neither hostKey nor knownHosts is set", error.Message);
    }

    private static Node Node(string? hostKey = null, string? knownHosts = null) =>
        TestNode.At("n1", IPAddress.Parse("198.18.0.11"), new Connection(ConnectionType.Ssh, "root", 22, "/key", hostKey, knownHosts), ServiceKind.Systemd);
}
