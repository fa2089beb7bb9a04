using System.Security.Cryptography.X509Certificates;
using EtcdForge.Tests.EndToEnd;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Rotation;

// A 3.4.23 cluster on this suite's own loopback block (127.0.29.0/24), shared by the rotation tests.
public sealed class RotationCluster() : LoopbackCluster(block: 29, EtcdRelease.V34, name: "rotation");

// CA rotation on real etcd, with a continuous client throughout: it starts with the client files taken before
// the rotation, and is replaced by one with the new client bundle once phase 2 is over (it cannot swap files).
// The first run is killed in phase 2, at the moment a leaf of the new CA appears in pki/; the re-run finishes.
public sealed class RotateCaTests(RotationCluster cluster) : IClassFixture<RotationCluster>
{
    private const string Etcdctl = "/usr/bin/etcdctl";

    [Fact]
    public async Task RotateCa_killed_in_phase_2_resumes_and_only_the_new_CA_is_trusted_at_the_end()
    {
        var up = cluster.Verify();
        Assert.True(up.ExitCode == 0, up.ToString());
        var before = Copy(cluster.CaCert, cluster.ClientCert, cluster.ClientKey, "client-before");
        using var oldCa = X509CertificateLoader.LoadCertificateFromFile(cluster.CaCert);
        var oldCaKeyId = oldCa.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier;

        var first = ContinuousWriter.Start(cluster.Endpoints, before[0], before[1], before[2], prefix: "ef-rotation-1");
        await first.WaitForMoreAsync(20);

        // Killed in phase 2: once IssueCerts has written a leaf of the new CA (before DeployNodes swaps it in).
        using (var killed = new ForgeProcess().Launch(WithPaths("--target=RotateCa", "--force")))
        {
            var leaf = Path.Combine(cluster.Pki, "etcd3.pem");
            await WaitFor(() => killed.HasExited || IssuerKeyId(leaf) is { } id && id != oldCaKeyId, "a new-CA leaf in pki/");
            Assert.False(killed.HasExited, "the rotation ended before phase 2 could be interrupted");
            killed.Kill();
            killed.Wait();
        }
        Assert.True(File.Exists(Path.Combine(cluster.Pki, "rotation", "previous-ca.pem")), "phase 2 on disk after the kill");

        // The re-run: the client is refreshed when phase 2 is over (the old CA is taken out, before the restarts).
        var previous = Path.Combine(cluster.Pki, "rotation", "previous-ca.pem");
        using var rerun = new ForgeProcess().Launch(WithPaths("--target=RotateCa"));
        await WaitFor(() => rerun.HasExited || !File.Exists(previous), "phase 3");
        var firstReport = await first.StopAsync();
        await first.DisposeAsync();
        var bundle = ClientBundle();
        await using var second = ContinuousWriter.Start(cluster.Endpoints, bundle[0], bundle[1], bundle[2], prefix: "ef-rotation-2");
        var result = rerun.Wait();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.Lines, l => l.StartsWith("RotateCa: Retire: phase 3"));
        await second.WaitForMoreAsync(20);
        var secondReport = await second.StopAsync();

        // Failed attempts are retried with the same value; none was lost.
        Console.WriteLine($"RotateCa writer 1: {firstReport}; writer 2: {secondReport}");
        await firstReport.AssertNoLossAsync(string.Join(",", cluster.Endpoints), bundle[0], bundle[1], bundle[2]);
        await secondReport.AssertNoLossAsync(string.Join(",", cluster.Endpoints), bundle[0], bundle[1], bundle[2]);

        // Only the new CA is trusted now: the old client certificate is refused, the new one (Debian's etcdctl
        // with the new client bundle) accepted, and every served chain verifies against the new CA alone.
        var oldClient = Run(Etcdctl, "--endpoints=" + cluster.Endpoints[0], "--cacert=" + bundle[0], "--cert=" + before[1], "--key=" + before[2], "--command-timeout=5s", "get", "ef-rotation-2/counter");
        Assert.True(oldClient.ExitCode != 0, oldClient.ToString());
        var newClient = Run(Etcdctl, "--endpoints=" + string.Join(",", cluster.Endpoints), "--cacert=" + bundle[0], "--cert=" + bundle[1], "--key=" + bundle[2], "endpoint", "health");
        Assert.True(newClient.ExitCode == 0, newClient.ToString());
        // curl through etcd's JSON gateway with the same bundle: the writer's counter (key base64 of ef-rotation-2/counter).
        var key = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ef-rotation-2/counter"));
        var curl = Run("curl", "-sS", "--fail", "--cacert", bundle[0], "--cert", bundle[1], "--key", bundle[2],
            "-X", "POST", cluster.Endpoints[2] + "/v3/kv/range", "-d", $"{{\"key\":\"{key}\"}}");
        Assert.True(curl.ExitCode == 0 && curl.Stdout.Contains("\"kvs\""), curl.ToString());
        foreach (var endpoint in cluster.Endpoints.SelectMany(e => new[] { e, e.Replace(":2379", ":2380") }))
        {
            var served = Run("sh", "-c", $"openssl s_client -connect {new Uri(endpoint).Authority} -cert '{bundle[1]}' -key '{bundle[2]}' </dev/null 2>/dev/null | openssl x509 | openssl verify -CAfile '{cluster.CaCert}'");
            Assert.True(served.ExitCode == 0 && served.Stdout.Contains("OK"), served.ToString());
        }
        Assert.Single(Directory.GetDirectories(Path.Combine(cluster.Pki, "retired")));
        Assert.False(Directory.Exists(Path.Combine(cluster.Pki, "rotation")));

        // A second run has nothing to do.
        var again = cluster.Forge("--target=RotateCa");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains(again.Lines, l => l.StartsWith("RotateCa: NothingDue"));
    }

    private string[] WithPaths(params string[] args) => [.. args, $"--config={cluster.Config}", $"--artifacts={cluster.Artifacts}"];

    private string[] Copy(string ca, string cert, string key, string dir)
    {
        var target = Path.Combine(cluster.Artifacts, dir);
        Directory.CreateDirectory(target);
        return [.. new[] { ca, cert, key }.Select(f => { var to = Path.Combine(target, Path.GetFileName(f)); File.Copy(f, to, true); return to; })];
    }

    // The client bundle as a user picks it up: unpacked from bundles/client.tar.gz.
    private string[] ClientBundle()
    {
        var target = Path.Combine(cluster.Artifacts, "client-after");
        Directory.CreateDirectory(target);
        var untar = Run("tar", "-xzf", Path.Combine(cluster.ClusterDir, "bundles", "client.tar.gz"), "-C", target);
        Assert.True(untar.ExitCode == 0, untar.ToString());
        return [Path.Combine(target, "etcd-root-ca.pem"), Path.Combine(target, "client.pem"), Path.Combine(target, "client-key.pem")];
    }

    private static string? IssuerKeyId(string file)
    {
        try
        {
            using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(file));
            return cert.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().SingleOrDefault()?.KeyIdentifier is { } id ? Convert.ToHexString(id.Span) : null;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    // Polls for a state the test watches for; the bound only keeps a broken run from hanging the suite.
    private static async Task WaitFor(Func<bool> seen, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!seen())
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(4)) throw new TimeoutException($"never saw {what}");
            await Task.Delay(20);
        }
    }

    private static ToolRun Run(string file, params string[] args) => ToolRun.Of(file, null, args);
}
