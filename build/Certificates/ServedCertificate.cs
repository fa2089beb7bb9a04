using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EtcdForge.Client;
using EtcdForge.Pki;

namespace EtcdForge.Certificates;

// What a member actually serves on one port, read from a TLS handshake: its certificate and the chain it
// sends. The handshake may be refused after the server has shown its certificate (the peer port may not like
// our client certificate); what was shown still counts.
public sealed record ServedCertificate(string Serial, DateTimeOffset NotAfter, string Issuer, IReadOnlyList<byte[]> Chain)
{
    /// <exception cref="IOException">nothing was served: the port is closed or silent, or TLS failed before the server's certificate.</exception>
    public static async Task<ServedCertificate> ReadAsync(string host, int port, TlsIdentity identity, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(MemberPatience.Answer);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host.Trim('[', ']'), port, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new IOException($"could not connect to {host}:{port}: {ex.Message}", ex);
        }
        ServedCertificate? seen = null;
        await using var tls = new SslStream(tcp.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host.Trim('[', ']'),
            ClientCertificates = identity.LoadCertificate() is { } cert ? [cert] : null,
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
            // Only looks: whether the chain is trusted is judged by the caller, against the CA it expects.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                if (certificate is X509Certificate2 leaf) seen = Of(leaf, chain);
                return true;
            },
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException
                                   || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            if (seen is null) throw new IOException($"no certificate served on {host}:{port}: {RpcFailure.Describe(ex)}", ex);
        }
        return seen ?? throw new IOException($"no certificate served on {host}:{port}");
    }

    // The chain as sent: the leaf first, then what the server added (etcd sends the leaf only unless its
    // certificate file holds more).
    private static ServedCertificate Of(X509Certificate2 leaf, X509Chain? chain)
    {
        var sent = new List<byte[]> { leaf.RawData };
        if (chain is not null) sent.AddRange(chain.ChainPolicy.ExtraStore.Where(c => !c.RawData.AsSpan().SequenceEqual(leaf.RawData)).Select(c => c.RawData));
        return new ServedCertificate(PkiCertificate.SerialOf(leaf), new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            leaf.Issuer, sent);
    }

    /// <summary>Whether this chain leads to one of these CA certificates.</summary>
    public bool ChainsTo(IEnumerable<X509Certificate2> authorities)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(Chain[0]);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities.ToArray());
        foreach (var extra in Chain.Skip(1)) chain.ChainPolicy.ExtraStore.Add(X509CertificateLoader.LoadCertificate(extra));
        return chain.Build(leaf);
    }
}
