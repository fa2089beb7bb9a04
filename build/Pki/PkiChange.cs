namespace EtcdForge.Pki;

// One file the PKI step wrote, e.g. ("etcd2.pem", "reissued", "SANs differ: +10.0.0.5").
public sealed record PkiChange(string File, string Action, string? Reason = null)
{
    public string What => $"{File} {Action}";
}
