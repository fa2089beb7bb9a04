using System.Net.Sockets;
using EtcdForge.Configuration;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace EtcdForge.Remote;

// Opens verified, authenticated SSH.NET clients (command and SFTP) to one node, retrying only failures that
// waiting can cure: a refused or timed-out connection while the host boots or sshd restarts.
internal sealed class SshConnector
{
    private readonly Node _node;
    private readonly SshOptions _options;
    private readonly HostKeyPolicy _hostKeys;
    private readonly ConnectionInfo _connection;

    public SshConnector(Node node, SshOptions options)
    {
        var c = node.Connection;
        if (c.Type != ConnectionType.Ssh || c.User is null || c.KeyFile is null)
        {
            throw new ArgumentException($"node {node.Name} is not a validated ssh node", nameof(node));
        }
        _node = node;
        _options = options;
        _hostKeys = new HostKeyPolicy(node, options.TrustOnFirstUse);
        var key = LoadKey(c.KeyFile);
        _connection = new ConnectionInfo(node.Address.ToString(), c.Port, c.User, new PrivateKeyAuthenticationMethod(c.User, key))
        {
            Timeout = options.ConnectTimeout,
        };
    }

    public string User => _connection.Username;
    public string Endpoint => $"{_connection.Username}@{KnownHostsFile.HostName(_connection.Host, _connection.Port)}";

    public async Task<T> ConnectAsync<T>(Func<ConnectionInfo, T> create, CancellationToken ct) where T : BaseClient
    {
        var delay = _options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var client = create(_connection);
            NodeError? rejection = null;
            client.HostKeyReceived += (_, e) =>
            {
                // Thrown here, an exception would only kill SSH.NET's receive loop and hide the cause.
                try { rejection = _hostKeys.Reject(new SshHostKey(e.HostKey)); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    rejection = new NodeError(_node.Name, $"cannot record the host key of {Endpoint} in known_hosts: {ex.Message}");
                }
                e.CanTrust = rejection is null;
            };
            try
            {
                await client.ConnectAsync(ct);
                return client;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                client.Dispose();
                if (rejection is not null) throw new NodeError(rejection.NodeName, rejection.Detail, ex);
                if (ex is SshAuthenticationException)
                {
                    throw new NodeError(_node.Name, $"{Endpoint} refused key {_node.Connection.KeyFile} ({ex.Message}); " +
                        $"check that user {User} exists there and has the key's public half in its authorized_keys", ex);
                }
                if (!IsTransient(ex)) throw new NodeError(_node.Name, $"SSH connection to {Endpoint} failed: {ex.Message}", ex);
                if (attempt >= _options.ConnectAttempts)
                {
                    throw new NodeError(_node.Name, $"cannot connect to {Endpoint} after {attempt} attempt(s): {ex.Message}; " +
                        $"check that the host is up, reachable from here and runs sshd on port {_connection.Port}", ex);
                }
            }
            await Task.Delay(delay, ct);
            delay *= 2;
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        SocketException s => s.SocketErrorCode is SocketError.ConnectionRefused or SocketError.TimedOut
            or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.ConnectionReset,
        SshOperationTimeoutException or TimeoutException => true,
        // SSH.NET reports its own connect timeout as a cancellation the caller did not ask for.
        OperationCanceledException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    private PrivateKeyFile LoadKey(string keyFile)
    {
        try
        {
            return _options.KeyPassphrase is null ? new PrivateKeyFile(keyFile) : new PrivateKeyFile(keyFile, _options.KeyPassphrase);
        }
        catch (SshPassPhraseNullOrEmptyException ex)
        {
            throw new NodeError(_node.Name, $"key file {keyFile} is encrypted and no passphrase was given; " +
                $"set {SshOptions.PassphraseVariable} to its passphrase, or use an unencrypted key", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeError(_node.Name, $"cannot read key file {keyFile}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SshException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new NodeError(_node.Name, $"cannot load key file {keyFile} ({ex.Message}); expected an OpenSSH or PEM " +
                "ed25519, ecdsa or RSA private key (wrong passphrase?)", ex);
        }
    }
}
