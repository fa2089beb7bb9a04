using EtcdForge.Configuration;

namespace EtcdForge.Remote;

// Decides whether the key a server presents is the one the cluster file says it should be. A pinned
// fingerprint wins over known_hosts; trust-on-first-use only ever adds keys for hosts known_hosts lacks.
internal sealed class HostKeyPolicy
{
    private readonly string nodeName;
    private readonly string hostName;
    private readonly string? pinned;
    private readonly KnownHostsFile? knownHosts;
    private readonly bool trustOnFirstUse;

    public HostKeyPolicy(Node node, bool trustOnFirstUse)
    {
        var connection = node.Connection;
        nodeName = node.Name;
        hostName = KnownHostsFile.HostName(node.Address.ToString(), connection.Port);
        pinned = connection.HostKey;
        knownHosts = connection.KnownHosts is { } path ? new KnownHostsFile(path) : null;
        this.trustOnFirstUse = trustOnFirstUse;
        if (pinned is null && knownHosts is null)
        {
            throw new NodeError(nodeName, $"neither hostKey nor knownHosts is set, so the SSH host key of {hostName} cannot be verified; " +
                "set hostKey to the fingerprint from 'ssh-keygen -lf' of the host's key, or knownHosts to a known_hosts file");
        }
    }

    /// <returns>null when the key is trusted, otherwise why it is not.</returns>
    public NodeError? Reject(SshHostKey presented)
    {
        if (pinned is not null)
        {
            return presented.Fingerprint == pinned
                ? null
                : new NodeError(nodeName, $"host key of {hostName} does not match: the server presented {presented} but hostKey pins {pinned}; " +
                  "if the host was reinstalled, check its new key and update hostKey");
        }

        var listed = knownHosts!.KeysFor(hostName);
        if (listed.Any(k => k.Revoked && k.Key.SameAs(presented)))
        {
            return new NodeError(nodeName, $"host key {presented} of {hostName} is marked @revoked in {knownHosts.Path}");
        }
        if (listed.Any(k => !k.Revoked && k.Key.SameAs(presented))) return null;

        var expected = listed.Where(k => !k.Revoked).Select(k => k.Key).ToList();
        if (expected.Any(k => k.Type == presented.Type))
        {
            return new NodeError(nodeName, $"HOST KEY OF {hostName} HAS CHANGED: the server presented {presented} but {knownHosts.Path} " +
                $"expects {string.Join(" or ", expected)}; this may be an attack, or the host was reinstalled (then fix known_hosts)");
        }
        // SSH.NET does not narrow its host key algorithms to the listed types the way OpenSSH does.
        if (expected.Count > 0)
        {
            return new NodeError(nodeName, $"{knownHosts.Path} lists only {string.Join(", ", expected.Select(k => k.Type).Distinct())} keys for {hostName}, " +
                $"but the server presented {presented}; verify that key and add it to known_hosts");
        }
        if (trustOnFirstUse)
        {
            knownHosts.Append(hostName, presented);
            return null;
        }
        return new NodeError(nodeName, $"host key of {hostName} is unknown: the server presented {presented}, which {knownHosts.Path} does not list; " +
            "verify it against 'ssh-keygen -lf' on the host and add it (or pin hostKey), or run once with --trust-new-host-keys to record it");
    }
}
