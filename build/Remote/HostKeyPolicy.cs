using EtcdForge.Configuration;

namespace EtcdForge.Remote;

// Decides whether the key a server presents is the one the cluster file says it should be. A pinned
// fingerprint wins over known_hosts; trust-on-first-use only ever adds keys for hosts known_hosts lacks.
internal sealed class HostKeyPolicy
{
    private readonly string _nodeName;
    private readonly string _hostName;
    private readonly string? _pinned;
    private readonly KnownHostsFile? _knownHosts;
    private readonly bool _trustOnFirstUse;

    public HostKeyPolicy(Node node, bool trustOnFirstUse)
    {
        var connection = node.Connection;
        _nodeName = node.Name;
        _hostName = KnownHostsFile.HostName(node.Address.ToString(), connection.Port);
        _pinned = connection.HostKey;
        _knownHosts = connection.KnownHosts is { } path ? new KnownHostsFile(path) : null;
        _trustOnFirstUse = trustOnFirstUse;
        if (_pinned is null && _knownHosts is null)
        {
            throw new NodeError(_nodeName, $"neither hostKey nor knownHosts is set, so the SSH host key of {_hostName} cannot be verified; " +
                "set hostKey to the fingerprint from 'ssh-keygen -lf' of the host's key, or knownHosts to a known_hosts file");
        }
    }

    /// <returns>null when the key is trusted, otherwise why it is not.</returns>
    public NodeError? Reject(SshHostKey presented)
    {
        if (_pinned is not null)
        {
            return presented.Fingerprint == _pinned
                ? null
                : new NodeError(_nodeName, $"host key of {_hostName} does not match: the server presented {presented} but hostKey pins {_pinned}; " +
                  "if the host was reinstalled, check its new key and update hostKey");
        }

        var listed = _knownHosts!.KeysFor(_hostName);
        if (listed.Any(k => k.Revoked && k.Key.SameAs(presented)))
        {
            return new NodeError(_nodeName, $"host key {presented} of {_hostName} is marked @revoked in {_knownHosts.Path}");
        }
        if (listed.Any(k => !k.Revoked && k.Key.SameAs(presented))) return null;

        var expected = listed.Where(k => !k.Revoked).Select(k => k.Key).ToList();
        if (expected.Any(k => k.Type == presented.Type))
        {
            return new NodeError(_nodeName, $"HOST KEY OF {_hostName} HAS CHANGED: the server presented {presented} but {_knownHosts.Path} " +
                $"expects {string.Join(" or ", expected)}; this may be an attack, or the host was reinstalled (then fix known_hosts)");
        }
        // SSH.NET does not narrow its host key algorithms to the listed types the way OpenSSH does.
        if (expected.Count > 0)
        {
            return new NodeError(_nodeName, $"{_knownHosts.Path} lists only {string.Join(", ", expected.Select(k => k.Type).Distinct())} keys for {_hostName}, " +
                $"but the server presented {presented}; verify that key and add it to known_hosts");
        }
        if (_trustOnFirstUse)
        {
            _knownHosts.Append(_hostName, presented);
            return null;
        }
        return new NodeError(_nodeName, $"host key of {_hostName} is unknown: the server presented {presented}, which {_knownHosts.Path} does not list; " +
            "verify it against 'ssh-keygen -lf' on the host and add it (or pin hostKey), or run once with --trust-new-host-keys to record it");
    }
}
