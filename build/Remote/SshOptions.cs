namespace EtcdForge.Remote;

public sealed record SshOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Tries for refused or timed-out connections; authentication and host key failures are never retried.</summary>
    public int ConnectAttempts { get; init; } = 4;

    /// <summary>Wait before the second try; it doubles before each further one.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Accept and record the key of a host that the node's known_hosts file does not list yet.</summary>
    public bool TrustOnFirstUse { get; init; }

    /// <summary>The environment variable the host reads <see cref="KeyPassphrase"/> from.</summary>
    public const string PassphraseVariable = "ETCD_FORGE_SSH_KEY_PASSPHRASE";

    /// <summary>Opens encrypted key files; null when none was given.</summary>
    public string? KeyPassphrase { get; init; }
}
