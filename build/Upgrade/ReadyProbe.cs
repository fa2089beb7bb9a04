using System.Net;
using EtcdForge.Client;
using EtcdForge.Configuration;

namespace EtcdForge.Upgrade;

// Waits for one member to be ready: GET /readyz where the version serves it (3.5 does; 3.4 answers 404), and
// always a status call, whose answer gives the version the member now runs.
public sealed class ReadyProbe(TlsIdentity identity, MemberProbe status)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public sealed record Answer(bool Ready, EtcdVersion? Version, string Detail);

    public async Task<Answer> WaitAsync(Node node, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        using var http = new HttpClient(identity.HttpHandler()) { Timeout = TimeSpan.FromSeconds(3) };
        var url = $"{node.ClientUrl}/readyz";
        return await new Poll(PollInterval, timeout, clock).UntilAsync(async () =>
        {
            var (ready, detail) = await ReadyzAsync(http, url, ct);
            if (!ready) return new Answer(false, null, detail);
            var answer = await status.AskAsync(node, ct);
            return answer.Healthy
                ? new Answer(true, EtcdVersion.TryParse(answer.Version, out var v) ? v : null, $"{answer.Detail}{detail}")
                : new Answer(false, null, answer.Detail);
        }, answer => answer.Ready, ct);
    }

    // true when /readyz says ok, or when the version has no /readyz (then the status call decides).
    private static async Task<(bool, string)> ReadyzAsync(HttpClient http, string url, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            if (response.StatusCode == HttpStatusCode.NotFound) return (true, "");
            var body = (await response.Content.ReadAsStringAsync(ct)).Trim();
            return response.IsSuccessStatusCode ? (true, "; /readyz ok") : (false, $"/readyz: {(int)response.StatusCode} {body}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (false, $"/readyz: {RpcFailure.Describe(ex)}");
        }
    }
}
