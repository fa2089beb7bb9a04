using System.Security.Cryptography.X509Certificates;
using EtcdForge.Artifacts;
using EtcdForge.Certificates;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.Pki;

namespace EtcdForge.Rotation;

// What members show of a rotation, asked over TLS: whether each accepts a client certificate signed by the
// next CA (it was restarted with the trust bundle), and whether each serves a chain to the current CA on its
// client and peer ports (its leaves were swapped).
public sealed class RotationProbe(Cluster cluster, ArtifactLayout layout, TimeProvider clock)
{
    public async Task<ServedView> LookAsync(CaRotation rotation, CancellationToken ct) => rotation.Stage switch
    {
        CaStage.NextCreated => await TrustOfNextAsync(rotation.Next(), ct),
        CaStage.Promoted => await ServedChainsAsync(ct),
        _ => new ServedView(false, false, "no rotation under way"),
    };

    private async Task<ServedView> TrustOfNextAsync(CertificateAuthority next, CancellationToken ct)
    {
        // A throwaway client certificate of the next CA, in a private temporary directory outside artifacts/
        // (Plan asks too, and writes nothing there), removed once asked.
        var dir = Directory.CreateTempSubdirectory("etcd-forge-rotation-probe-");
        IReadOnlyList<MemberProbe.Answer> answers;
        try
        {
            var spec = new CertificateSpec(Path.Combine(dir.FullName, "probe.pem"), Path.Combine(dir.FullName, "probe-key.pem"),
                new Subject("etcd-forge-rotation-probe"), [], cluster.Pki.Client);
            var issued = LeafCertificates.Issue(next, spec, cluster.Pki.KeyAlgorithm, clock.GetUtcNow());
            AtomicFile.Write(spec.KeyPath, PemFiles.Encode(issued.PrivateKey), AtomicFile.PrivateMode);
            AtomicFile.Write(spec.CertPath, PemFiles.Encode(issued.Certificate), AtomicFile.PublicMode);
            answers = await new MemberProbe(cluster, new TlsIdentity(layout.TrustedCas, spec.CertPath, spec.KeyPath)).AskAllAsync(ct);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        var refusing = answers.Where(a => !a.Healthy).Select(a => $"{a.Node.Name}: {a.Detail}").ToList();
        return new ServedView(refusing.Count == 0, false, refusing.Count == 0
            ? "every member accepts a client of the new CA"
            : $"not yet accepting a client of the new CA: {string.Join("; ", refusing)}");
    }

    private async Task<ServedView> ServedChainsAsync(CancellationToken ct)
    {
        using var current = X509CertificateLoader.LoadCertificateFromFile(layout.CaCert);
        var identity = ClusterIdentities.Operator(cluster, layout);
        var ports = cluster.Nodes.SelectMany(node => new[] { (node, "client", cluster.Etcd.ClientPort), (node, "peer", cluster.Etcd.PeerPort) });
        var looks = await Task.WhenAll(ports.Select(async p =>
        {
            try
            {
                var served = await ServedCertificate.ReadAsync(p.node.Host, p.Item3, identity, ct);
                return served.ChainsTo([current]) ? null : $"{p.node.Name} {p.Item2} port serves issuer {served.Issuer}";
            }
            catch (IOException ex)
            {
                return $"{p.node.Name} {p.Item2} port: {ex.Message}";
            }
        }));
        var old = looks.OfType<string>().ToList();
        return new ServedView(true, old.Count == 0, old.Count == 0
            ? "every member serves the new CA's certificates on both ports"
            : string.Join("; ", old));
    }
}
