using System.Net;
using EtcdForge.Client;
using EtcdForge.Configuration;

namespace EtcdForge.Upgrade;

// Waits for one member to be ready: GET /readyz where the version serves it (3.5 does; 3.4 answers 404), and
// always a status call, whose answer gives the version the member now runs.
public sealed class ReadyProbe(Cluster cluster, TlsIdentity identity)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public sealed record Answer(bool Ready, EtcdVersion? Version, string Detail);

    public async Task<Answer> WaitAsync(Node node, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + timeout;
        using var http = new HttpClient(identity.HttpHandler()) { Timeout = TimeSpan.FromSeconds(3) };
        var url = $"{node.ClientUrl(cluster.Etcd.ClientPort)}/readyz";
        while (true)
        {
            var (ready, detail) = await ReadyzAsync(http, url, ct);
            if (ready)
            {
                var (healthy, version, said) = await StatusAsync(node, ct);
                if (healthy) return new Answer(true, version, $"{said}{detail}");
                detail = said;
            }
            if (clock.GetUtcNow() >= deadline) return new Answer(false, null, detail);
            await Task.Delay(PollInterval, clock, ct);
        }
    }

    private async Task<(bool Healthy, EtcdVersion? Version, string Detail)> StatusAsync(Node node, CancellationToken ct)
    {
        try
        {
            using var client = EtcdConnection.OpenForProbe(node.ClientUrl(cluster.Etcd.ClientPort), identity);
            var status = await client.StatusAsync(new Etcdserverpb.StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: ct);
            var healthy = status.Errors.Count == 0 && status.Leader != 0;
            return (healthy, EtcdVersion.TryParse(status.Version, out var v) ? v : null,
                healthy ? $"etcd {status.Version}" : string.Join("; ", status.Errors.DefaultIfEmpty("no leader")));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return (false, null, RpcFailure.Describe(ex));
        }
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
