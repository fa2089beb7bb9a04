using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EtcdForge.Client;
using EtcdForge.Configuration;
using EtcdForge.EtcdFlags;
using EtcdForge.Packaging;
using EtcdForge.Remote;
using EtcdForge.Services;

namespace EtcdForge.SmokeTest;

// The recipe's advice: prove one node works before forming the cluster. The node runs alone as a
// one-member cluster with a throw-away data dir and token, full TLS, and is checked through gRPC and
// through the HTTP/JSON gateway, then stopped and its data removed.
// A docker member is tested in a container of its own (EtcdServices.SingleNodeTestOf), from the image the cluster will run.
// etcd: the extraFlags checked against the etcd obtained, and that etcd's version: the node is tested with its own flags.
public sealed class SingleNodeSmokeTest(Cluster cluster, Node node, EtcdServices services, CheckedExtraFlags etcd, TlsIdentity identity, TimeProvider clock)
{
    public async Task<IReadOnlyList<string>> RunAsync(INodeShell shell, CancellationToken ct)
    {
        var paths = services.PathsOf(node);
        var dir = Path.Combine(paths.RunDir, "single-node-test");
        var testPaths = paths with { ConfigDir = dir, DataDir = Path.Combine(dir, "data"), RunDir = dir };
        var alone = cluster with { Nodes = [node], Token = $"etcd-forge-single-{Guid.NewGuid():N}" };
        var config = EtcdConfigFile.Render(node, alone, testPaths, etcd.Version, etcd.For(node));
        var service = services.SingleNodeTestOf(node, shell, testPaths);
        var q = ShellQuote.Arg(dir);
        // A throw-away directory, with the config written in the same command that makes it (one round trip);
        // umask 022 because etcd may run as the etcd user and must read it whatever the node's umask is.
        (await shell.RunAsync($"umask 022; rm -rf {q} && mkdir -p {q} {(node.InstallsAsSystem ? $" && if [ \"$(id -u)\" = 0 ]; then chown etcd:etcd {q}; fi" : "")}" +
                              $" && printf '%s' {ShellQuote.Arg(config)} > {ShellQuote.Arg(testPaths.ConfigFile)}", ct))
            .EnsureSuccess("preparing the single-node test directory");
        var passed = false;
        try
        {
            await service.StartAsync(ct);
            var probe = new MemberProbe(alone, identity);
            var answers = await probe.WaitForAllHealthyAsync(TimeSpan.FromSeconds(30), clock, ct);
            if (!answers[0].Healthy)
            {
                throw new NodeError(node.Name, $"etcd did not become healthy alone: {answers[0].Detail}; {await service.LastWordsAsync(ct)}");
            }
            IReadOnlyList<string> checks = [await KeyRoundTrip(ct), await GatewayRoundTrip(ct)];
            passed = true;
            return checks;
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            // A failed test keeps its directory, so the log its error points to is there; the next run removes it.
            if (passed) await shell.RunAsync($"rm -rf {q}", CancellationToken.None);
        }
    }

    private string Url => node.ClientUrl;

    private async Task<string> KeyRoundTrip(CancellationToken ct)
    {
        using var client = EtcdConnection.Open(Url, identity);
        var deadline = () => DateTime.UtcNow.AddSeconds(5);
        await client.PutAsync("etcd-forge/single-node-test", "ok", deadline: deadline(), cancellationToken: ct);
        var value = await client.GetValAsync("etcd-forge/single-node-test", deadline: deadline(), cancellationToken: ct);
        await client.DeleteAsync("etcd-forge/single-node-test", deadline: deadline(), cancellationToken: ct);
        if (value != "ok") throw new NodeError(node.Name, $"put 'ok' but read '{value}' back over gRPC");
        return "gRPC put/get/delete with the client certificate";
    }

    // etcd 3.4's gateway dials its own gRPC port with the server certificate as a client certificate, so
    // this also proves the server certificate carries clientAuth.
    private async Task<string> GatewayRoundTrip(CancellationToken ct)
    {
        using var http = new HttpClient(identity.HttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        var key = B64("etcd-forge/gateway-test");
        using var put = await http.PostAsJsonAsync($"{Url}/v3/kv/put", new { key, value = B64("ok") }, ct);
        if (!put.IsSuccessStatusCode) throw new NodeError(node.Name, $"gateway put answered HTTP {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync(ct)}");
        using var range = await http.PostAsJsonAsync($"{Url}/v3/kv/range", new { key }, ct);
        var body = await range.Content.ReadAsStringAsync(ct);
        using var json = JsonDocument.Parse(body);
        var kvs = json.RootElement.TryGetProperty("kvs", out var k) ? k : default;
        if (kvs.ValueKind != JsonValueKind.Array || kvs[0].GetProperty("value").GetString() != B64("ok"))
        {
            throw new NodeError(node.Name, $"gateway range did not return the value written: {body}");
        }
        using var delete = await http.PostAsJsonAsync($"{Url}/v3/kv/deleterange", new { key }, ct);
        return "HTTPS gateway /v3/kv/put and /v3/kv/range with the client certificate";
    }
}
