using EtcdForge.Configuration;

namespace EtcdForge.Pki;

// What one node or client certificate must look like according to the configuration.
// Sans holds IP addresses and DNS names in their canonical text form.
public sealed record CertificateSpec(
    string CertPath,
    string KeyPath,
    Subject Subject,
    IReadOnlyList<string> Sans,
    CertProfile Profile)
{
    public string FileName => Path.GetFileName(CertPath);
}
