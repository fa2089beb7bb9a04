namespace EtcdForge.Artifacts;

// The certificate files of one member inside its ssl directory, named as in the PKI so an operator
// recognises them on the node.
//
// etcd re-reads its certificate and key files on every TLS handshake, one file after the other. Renewing them
// in place would let a handshake pair a new certificate with an old key. So the four leaf files of one issue
// live together in a generation directory (leaf-<id>, id from their content), and etcd is pointed at them
// through the symlink `leaf`, which a renewal flips in one rename. The trust bundle (CA) stays outside: etcd
// reads it only at start, so changing it needs a restart anyway.
public sealed record SslFiles(string Dir, string Node)
{
    public const string CaFileName = "etcd-root-ca.pem";
    public const string LeafLinkName = "leaf";
    private const string GenerationPrefix = "leaf-";

    public string Ca => Path.Combine(Dir, CaFileName);
    public string LeafLink => Path.Combine(Dir, LeafLinkName);
    public string ServerCert => Path.Combine(LeafLink, ServerCertName);
    public string ServerKey => Path.Combine(LeafLink, ServerKeyName);
    public string PeerCert => Path.Combine(LeafLink, PeerCertName);
    public string PeerKey => Path.Combine(LeafLink, PeerKeyName);

    public string ServerCertName => $"{Node}.pem";
    public string ServerKeyName => $"{Node}-key.pem";
    public string PeerCertName => $"{Node}-peer.pem";
    public string PeerKeyName => $"{Node}-peer-key.pem";

    /// <summary>The generation directory name for these four files' contents: same certificates, same name.</summary>
    public static string GenerationName(IEnumerable<byte[]> leafFiles)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var content in leafFiles)
        {
            hash.AppendData(System.Security.Cryptography.SHA256.HashData(content));
        }
        return GenerationPrefix + Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    public static bool IsGeneration(string name) => name.StartsWith(GenerationPrefix, StringComparison.Ordinal);
}
