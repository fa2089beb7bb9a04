using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace EtcdForge.Verification;

// Knocks on a member's client port with a given identity over raw TLS and asks for /version. A refusal
// must come from TLS itself (an alert or a closed handshake); a port that does not answer at all proves
// nothing and is reported as such instead of passing.
public static class TlsDoor
{
    public sealed record Knock(bool Reached, bool Served, string Detail);

    public static async Task<Knock> KnockAsync(string host, int port, Client.TlsIdentity identity, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Client.MemberPatience.Answer);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host.Trim('[', ']'), port, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new Knock(false, false, $"could not connect to {host}:{port}: {ex.Message}");
        }
        await using var tls = new SslStream(tcp.GetStream());
        var options = new SslClientAuthenticationOptions { TargetHost = host.Trim('[', ']') };
        identity.Apply(options);
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
            var request = Encoding.ASCII.GetBytes($"GET /version HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
            await tls.WriteAsync(request, timeout.Token);
            var buffer = new byte[512];
            var read = await tls.ReadAsync(buffer, timeout.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            if (read == 0) return new Knock(true, false, "TLS session closed by the server before any answer");
            var status = answer.Split("\r\n")[0];
            return new Knock(true, status.Contains(" 200 "), $"server answered: {status}");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return new Knock(true, false, Client.RpcFailure.Describe(ex));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Knock(true, false, $"TLS handshake stalled for {Client.MemberPatience.Answer.TotalSeconds:0} s (no answer, not a refusal)");
        }
    }
}
