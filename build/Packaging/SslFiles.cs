namespace EtcdForge.Packaging;

// The certificate files of one member inside its ssl directory, named as in the PKI so an operator
// recognises them on the node.
public sealed record SslFiles(string Dir, string Node)
{
    public const string CaFileName = "etcd-root-ca.pem";

    public string Ca => Path.Combine(Dir, CaFileName);
    public string ServerCert => Path.Combine(Dir, $"{Node}.pem");
    public string ServerKey => Path.Combine(Dir, $"{Node}-key.pem");
    public string PeerCert => Path.Combine(Dir, $"{Node}-peer.pem");
    public string PeerKey => Path.Combine(Dir, $"{Node}-peer-key.pem");
}
