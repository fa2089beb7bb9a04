using System.Net;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;

namespace EtcdForge.Pki;

// The full set of certificates a cluster needs: per node a server and a peer certificate, per client one.
public static class CertificatePlan
{
    public static IReadOnlyList<CertificateSpec> For(ArtifactLayout layout, PkiSettings pki, IEnumerable<Node> nodes)
    {
        var specs = new List<CertificateSpec>();
        foreach (var node in nodes)
        {
            var identity = new Subject(node.Name);
            // Loopback names let etcdctl and the gateway on the node itself reach the member over TLS.
            var serverSans = Canonical([node.Address.ToString(), .. node.Hostnames, "127.0.0.1", "localhost", .. node.ExtraSans]);
            // etcd checks a peer's certificate against the address it connects from. Members on 127.0.0.x
            // connect to each other from 127.0.0.1 (the kernel's source for loopback), so that goes in too.
            var peerSans = Canonical(System.Net.IPAddress.IsLoopback(node.Address) && node.Address.ToString() != "127.0.0.1"
                ? [node.Address.ToString(), .. node.Hostnames, "127.0.0.1"]
                : [node.Address.ToString(), .. node.Hostnames]);
            specs.Add(new CertificateSpec(layout.ServerCert(node.Name), layout.ServerKey(node.Name), identity, serverSans, pki.Server));
            specs.Add(new CertificateSpec(layout.PeerCert(node.Name), layout.PeerKey(node.Name), identity, peerSans, pki.Peer));
        }
        foreach (var client in pki.Clients)
        {
            specs.Add(new CertificateSpec(layout.ClientCert(client.Name), layout.ClientKey(client.Name), client.Subject, [], pki.Client));
        }
        return specs;
    }

    public static string CanonicalSan(string san) =>
        IPAddress.TryParse(san, out var ip) ? ip.ToString() : san.ToLowerInvariant();

    private static List<string> Canonical(IEnumerable<string> sans) =>
        sans.Select(CanonicalSan).Distinct().ToList();
}
