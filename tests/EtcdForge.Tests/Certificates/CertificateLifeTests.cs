using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Xml.Linq;
using EtcdForge.Client;
using EtcdForge.Tests.EndToEnd;
using Xunit.Abstractions;

namespace EtcdForge.Tests.Certificates;

// Certificates for the life of a cluster, on real etcd (3.4.23 and 3.5.30), local and over SSH, on one cluster
// per kind with short-lived leaves (ICertificateCluster):
// - renewal without restarts (RenewCerts --force): DeployNodes installs renewed leaves in a new generation directory
//   and switches the link; etcd keeps its PIDs and serves the new certificates on both ports, as openssl sees them;
// - the Certificates status, its reports, and a member caught serving something else than pki/;
// - CA rotation last (it changes the CA the earlier tests rely on), with a continuous client throughout.
public abstract class CertificateLifeTests(ICertificateCluster cluster, ITestOutputHelper output)
{
    private const string Etcdctl = "/usr/bin/etcdctl";
    private static readonly string[] Nodes = ICertificateCluster.Nodes;

    private Dictionary<string, int> Pids() => Nodes.ToDictionary(n => n, cluster.Pid);

    private Dictionary<string, string> Served() => Nodes
        .SelectMany(n => new[] { ($"{n} client", ServedSerial(n, 2379)), ($"{n} peer", ServedSerial(n, 2380)) })
        .ToDictionary(p => p.Item1, p => p.Item2);

    private Dictionary<string, string> OnDisk() => Nodes
        .SelectMany(n => new[] { ($"{n} client", SerialOnDisk($"{n}.pem")), ($"{n} peer", SerialOnDisk($"{n}-peer.pem")) })
        .ToDictionary(p => p.Item1, p => p.Item2);

    [Fact]
    public async Task T1_RenewCerts_force_renews_every_leaf_and_etcd_serves_them_without_a_restart()
    {
        Assert.True(cluster.Bootstrap.ExitCode == 0, cluster.Bootstrap.ToString());
        var pids = Pids();
        var before = Served();
        Assert.Equal(OnDisk(), before);
        // The client's own certificate is renewed too; it keeps the files it started with, as a real one would.
        var held = CopyClientFiles("client-before-renewal");
        await using var writer = ContinuousWriter.Start(cluster.Endpoints, held[0], held[1], held[2], prefix: "ef-renewal");
        await writer.WaitForMoreAsync(20);
        // Counted from here: a first connection slower than the writer's deadline on a loaded machine is not the renewal's.
        var failedBefore = writer.FailedAttempts;

        for (var run = 1; run <= 2; run++)
        {
            // Plan for the renewal first: every leaf, every bundle, every node's install, and no restart.
            var plan = cluster.Forge("--target=Plan", "--for=RenewCerts", "--force");
            Assert.True(plan.ExitCode == 0, plan.ToString());
            var renewal = cluster.Forge("--target=RenewCerts", "--force");
            Assert.True(renewal.ExitCode == 0, renewal.ToString());
            var steps = PlannedSteps.AssertAppliedAsPlanned(cluster.Files);
            Assert.Equal(7, steps.Count(s => s.StartsWith("IssueCerts/reissue/", StringComparison.Ordinal)));
            Assert.Equal(Nodes.Select(n => $"DeployNodes/install/{n}"), steps.Where(s => s.StartsWith("DeployNodes/", StringComparison.Ordinal)));
            Assert.DoesNotContain(steps, s => s.StartsWith("BootstrapCluster/", StringComparison.Ordinal));
            Assert.Equal(7, renewal.Lines.Count(l => l.Contains("reissued (renewal forced (--force))")));
            Assert.Contains("BootstrapCluster: nothing changed", renewal.Lines);
            Assert.Contains(renewal.Lines, l => l.StartsWith("RenewCerts: all 6 checks passed"));

            Assert.Equal(pids, Pids());
            var after = Served();
            Assert.Equal(OnDisk(), after);
            Assert.All(after, p => Assert.NotEqual(before[p.Key], p.Value));
            before = after;
            await writer.WaitForMoreAsync(20);
        }

        var report = await writer.StopAsync();
        output.WriteLine($"renewal writer ({cluster.Version}): {report}");
        Assert.True(report.FailedAttempts == failedBefore, $"{report.FailedAttempts - failedBefore} failed attempts during the renewals: {report}");
        await report.AssertNoLossAsync(string.Join(",", cluster.Endpoints), cluster.Files.CaCert, cluster.Files.ClientCert, cluster.Files.ClientKey);
    }

    [Fact]
    public void T2_Certificates_lists_pki_and_served_certificates_and_its_reports_carry_the_checks()
    {
        // The 2 h leaves, seen through a description that asks for 4 h ones with a 3 h renewBefore, are due: the
        // expiry checks fail, the served ones pass. Certificates only reads: the cluster keeps its own description.
        var longer = Path.Combine(Path.GetDirectoryName(cluster.Config)!, "longer-lived.yaml");
        File.WriteAllText(longer, ICertificateCluster.LongerLived(File.ReadAllText(cluster.Config)));
        var status = cluster.Forge("--target=Certificates", $"--config={longer}");
        Assert.NotEqual(0, status.ExitCode);
        var reports = Path.Combine(cluster.ClusterDir, "reports");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, "certificates.json")));
        var certificates = json.RootElement.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(["client.pem", "etcd-root-ca.pem", "etcd1-peer.pem", "etcd1.pem", "etcd2-peer.pem", "etcd2.pem", "etcd3-peer.pem", "etcd3.pem"],
            certificates.Select(c => Path.GetFileName(c.GetProperty("file").GetString()!)));
        var etcd1 = certificates.Single(c => c.GetProperty("file").GetString()!.EndsWith("/etcd1.pem"));
        Assert.Equal(SerialOnDisk("etcd1.pem"), etcd1.GetProperty("serial").GetString());
        Assert.Contains(cluster.Host("etcd1"), etcd1.GetProperty("sans").EnumerateArray().Select(s => s.GetString()));
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        var served = checks.Where(c => c.GetProperty("check").GetString()!.Contains("port serves")).ToList();
        Assert.Equal(6, served.Count);
        Assert.All(served, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.Contains(checks, c => !c.GetProperty("passed").GetBoolean() && c.GetProperty("detail").GetString()!.Contains("run --target=RenewCerts"));

        var junit = XDocument.Load(Path.Combine(reports, "certificates.junit.xml")).Root!;
        Assert.Equal(checks.Count.ToString(), junit.Attribute("tests")?.Value);
    }

    // A member serving something else than pki/ holds fails the check, in the reports too. Simulated the way it
    // happens: the node's link points back at an older generation (as after a lost deploy).
    [Fact]
    public void T3_A_member_serving_another_certificate_than_pki_fails_the_served_check()
    {
        var ssl = cluster.SslDir("etcd2");
        var current = new FileInfo(Path.Combine(ssl, "leaf")).LinkTarget!;
        var stale = Path.Combine(ssl, "leaf-0000000000000000");
        // cp -a: a copy etcd can read, with its owner and modes (on the SSH hosts etcd runs as the etcd user).
        var copy = Run("cp", "-a", Path.Combine(ssl, current), stale);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        // Another valid certificate for etcd2: pki/ moves on (renewed), the node keeps serving the copy.
        var renewed = cluster.Forge("--target=IssueCerts", "--force");
        Assert.True(renewed.ExitCode == 0, renewed.ToString());
        File.Delete(Path.Combine(ssl, "leaf"));
        File.CreateSymbolicLink(Path.Combine(ssl, "leaf"), "leaf-0000000000000000");

        var status = cluster.Forge("--target=Certificates");
        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains(status.ErrorLines, l => l.Contains("etcd2: client port serves etcd2.pem: serves serial") && l.Contains("run --target=DeployNodes"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(cluster.ClusterDir, "reports", "certificates.json")));
        var failed = json.RootElement.GetProperty("checks").EnumerateArray()
            .Where(c => !c.GetProperty("passed").GetBoolean() && c.GetProperty("member").GetString() == "etcd2").Select(c => c.GetProperty("check").GetString()).ToList();
        Assert.Equal(["client port serves etcd2.pem", "peer port serves etcd2-peer.pem"], failed);

        // The next deploy puts the right generation back and removes the stale one; etcd serves pki/ again.
        var fixedRun = cluster.Forge("--target=RenewCerts");
        Assert.True(fixedRun.ExitCode == 0, fixedRun.ToString());
        Assert.False(Directory.Exists(stale));
        Assert.Equal(OnDisk(), Served());
    }

    // CA rotation with a continuous client throughout: it starts with the client files taken before the rotation,
    // and is replaced by one with the new client bundle once phase 2 is over (it cannot swap files). The first run
    // is killed in phase 2, at the moment a leaf of the new CA appears in pki/; the re-run finishes.
    [Fact]
    public async Task T4_RotateCa_killed_in_phase_2_resumes_and_only_the_new_CA_is_trusted_at_the_end()
    {
        Assert.True(cluster.Bootstrap.ExitCode == 0, cluster.Bootstrap.ToString());
        var before = CopyClientFiles("client-before-rotation");
        using var oldCa = X509CertificateLoader.LoadCertificateFromFile(cluster.Files.CaCert);
        var oldCaKeyId = KeyIdOf(oldCa);

        var first = ContinuousWriter.Start(cluster.Endpoints, before[0], before[1], before[2], prefix: "ef-rotation-1");
        await first.WaitForMoreAsync(20);

        // Plan shows the whole rotation, phase by phase, and changes nothing.
        var plan = cluster.Forge("--target=Plan", "--for=RotateCa", "--force");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains(plan.Lines, l => l.StartsWith("phase1: RotateCa would phase 1: a new CA is made beside the current one", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(cluster.Files.Pki, "rotation")), "Plan began a rotation");

        // Killed in phase 2: once IssueCerts has written a leaf of the new CA (before DeployNodes swaps it in).
        var previous = Path.Combine(cluster.Files.Pki, "rotation", "previous-ca.pem");
        using (var killed = cluster.Launch("--target=RotateCa", "--force"))
        {
            var leaf = Path.Combine(cluster.Files.Pki, "etcd3.pem");
            await WaitFor(() => killed.HasExited || IssuerKeyId(leaf) is { } id && id != oldCaKeyId, "a new-CA leaf in pki/");
            Assert.False(killed.HasExited, "the rotation ended before phase 2 could be interrupted");
            killed.Kill();
            killed.Wait();
        }
        Assert.True(File.Exists(previous), "phase 2 on disk after the kill");
        // Phase 1 went exactly as planned: the new CA, every bundle, every node's install, a restart each in turn.
        var phase1 = PlannedSteps.AssertAppliedAsPlanned(cluster.Files, id => id.StartsWith("phase1:", StringComparison.Ordinal));
        Assert.Equal(["phase1:RotateCa/begin/ca", .. Nodes.Select(n => $"phase1:Package/write/{n}.tar.gz"), "phase1:Package/write/client.tar.gz",
            .. Nodes.Select(n => $"phase1:DeployNodes/install/{n}"), .. Nodes.Select(n => $"phase1:BootstrapCluster/restart/{n}")], phase1);

        // The re-run: the client is refreshed when phase 2 is over (the old CA is taken out, before the restarts).
        using var rerun = cluster.Launch("--target=RotateCa");
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

        // Every failed attempt was retried (with the same value) until acknowledged, and none was lost. The
        // retries are members restarting (refused or cut connections), never a certificate either side refused.
        output.WriteLine($"RotateCa ({cluster.Version}) writer with the old client files: {firstReport}");
        output.WriteLine($"RotateCa ({cluster.Version}) writer with the new client bundle: {secondReport}");
        await firstReport.AssertNoLossAsync(string.Join(",", cluster.Endpoints), bundle[0], bundle[1], bundle[2]);
        await secondReport.AssertNoLossAsync(string.Join(",", cluster.Endpoints), bundle[0], bundle[1], bundle[2]);
        Assert.Empty(TrustFailures(firstReport.Errors));
        Assert.Empty(TrustFailures(secondReport.Errors));

        // Only the new CA is trusted now: the old client certificate is refused (as a trust failure, which also
        // shows the check above can see one), the new one accepted by Debian's etcdctl and curl with the new client
        // bundle, and every served chain verifies against the new CA alone.
        var refused = await OldClientErrorAsync(bundle[0], before[1], before[2]);
        output.WriteLine($"old client certificate after the rotation: {refused}");
        Assert.True(refused is not null && IsTrustFailure(refused), $"the old client certificate was not refused for trust: {refused ?? "accepted"}");
        var oldClient = Run(Etcdctl, "--endpoints=" + cluster.Endpoints[0], "--cacert=" + bundle[0], "--cert=" + before[1], "--key=" + before[2], "--command-timeout=5s", "get", "ef-rotation-2/counter");
        Assert.True(oldClient.ExitCode != 0, oldClient.ToString());
        var newClient = Run(Etcdctl, "--endpoints=" + string.Join(",", cluster.Endpoints), "--cacert=" + bundle[0], "--cert=" + bundle[1], "--key=" + bundle[2], "endpoint", "health");
        Assert.True(newClient.ExitCode == 0, newClient.ToString());
        // curl through etcd's JSON gateway with the same bundle: the writer's counter (key base64 of ef-rotation-2/counter).
        var key = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ef-rotation-2/counter"));
        var curl = Run("curl", "-sS", "--fail", "--cacert", bundle[0], "--cert", bundle[1], "--key", bundle[2],
            "-X", "POST", cluster.Endpoints[2] + "/v3/kv/range", "-d", $"{{\"key\":\"{key}\"}}");
        Assert.True(curl.ExitCode == 0 && curl.Stdout.Contains("\"kvs\""), curl.ToString());
        var newCa = new X509Certificate2Collection();
        newCa.ImportFromPemFile(cluster.Files.CaCert);
        Assert.True(newCa.Count == 1 && KeyIdOf(newCa[0]) != oldCaKeyId, $"{cluster.Files.CaCert} holds {newCa.Count} certificates, or the old CA");
        foreach (var node in Nodes)
        {
            foreach (var port in new[] { 2379, 2380 })
            {
                var served = Run("sh", "-c", $"openssl s_client -connect {cluster.Host(node)}:{port} -cert '{bundle[1]}' -key '{bundle[2]}' </dev/null 2>/dev/null | openssl x509 | openssl verify -CAfile '{cluster.Files.CaCert}'");
                Assert.True(served.ExitCode == 0 && served.Stdout.Contains("OK"), $"{node}:{port} {served}");
            }
        }
        Assert.Single(Directory.GetDirectories(Path.Combine(cluster.Files.Pki, "retired")));
        Assert.False(Directory.Exists(Path.Combine(cluster.Files.Pki, "rotation")));

        // A second run has nothing to do.
        var again = cluster.Forge("--target=RotateCa");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains(again.Lines, l => l.StartsWith("RotateCa: NothingDue"));
    }

    // How a refused certificate shows in the writer's errors: "certificate" or a TLS alert when .NET names the
    // cause; when the server refuses the client certificate after a TLS 1.3 handshake, only as an HTTP/2 handshake
    // whose SslStream was disposed (seen here on 3.4.23 and 3.5.30). A member restarting shows as refused or cut
    // connections instead.
    private static bool IsTrustFailure(string error) => NamesTrust(error) || IsCutHandshake(error);

    private static bool NamesTrust(string error) =>
        error.Contains("certificate", StringComparison.OrdinalIgnoreCase) || error.Contains("alert", StringComparison.OrdinalIgnoreCase);

    private static bool IsCutHandshake(string error) => error.Contains("'System.Net.Security.SslStream'", StringComparison.Ordinal);

    // A writer's errors that are refused certificates. A member that stops in the middle of a TLS handshake cuts it
    // exactly like the TLS 1.3 refusal above (seen once in a full run: one such error, on the member that restarted
    // last, with the old client files it still trusted); a member that refuses the certificate refuses every attempt
    // on it. So a cut handshake counts when the same member ("12.345s ENDPOINT n=..." ) cut more than one.
    private static IEnumerable<string> TrustFailures(IReadOnlyList<string> errors) =>
        errors.Where(NamesTrust).Concat(errors.Where(IsCutHandshake).GroupBy(e => e.Split(' ')[1]).Where(g => g.Count() > 1).SelectMany(g => g));

    // One request with the old client certificate through the project's own client: null when it is answered.
    private async Task<string?> OldClientErrorAsync(string ca, string cert, string key)
    {
        using var client = EtcdConnection.OpenForProbe(cluster.Endpoints[0], new TlsIdentity(ca, cert, key));
        try
        {
            await client.GetAsync("ef-rotation-2/counter", deadline: DateTime.UtcNow.AddSeconds(10));
            return null;
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or IOException or HttpRequestException or System.Security.Authentication.AuthenticationException)
        {
            return ContinuousWriter.Causes(e);
        }
    }

    private string[] CopyClientFiles(string dir)
    {
        var target = Path.Combine(cluster.Artifacts, dir);
        Directory.CreateDirectory(target);
        return [.. new[] { cluster.Files.CaCert, cluster.Files.ClientCert, cluster.Files.ClientKey }.Select(f => { var to = Path.Combine(target, Path.GetFileName(f)); File.Copy(f, to, true); return to; })];
    }

    // The client bundle as a user picks it up: unpacked from bundles/client.tar.gz.
    private string[] ClientBundle()
    {
        var target = Path.Combine(cluster.Artifacts, "client-after-rotation");
        Directory.CreateDirectory(target);
        var untar = Run("tar", "-xzf", Path.Combine(cluster.ClusterDir, "bundles", "client.tar.gz"), "-C", target);
        Assert.True(untar.ExitCode == 0, untar.ToString());
        return [Path.Combine(target, "etcd-root-ca.pem"), Path.Combine(target, "client.pem"), Path.Combine(target, "client-key.pem")];
    }

    // The serial a member serves on a port, as openssl sees it (not through etcd-forge's own TLS code).
    private string ServedSerial(string node, int port)
    {
        var run = Run("sh", "-c",
            $"openssl s_client -connect {cluster.Host(node)}:{port} -cert '{cluster.Files.ClientCert}' -key '{cluster.Files.ClientKey}' -CAfile '{cluster.Files.CaCert}' </dev/null 2>/dev/null | openssl x509 -noout -serial");
        Assert.True(run.ExitCode == 0 && run.Stdout.StartsWith("serial="), $"{node}:{port} {run}");
        return run.Stdout.Trim()["serial=".Length..].ToLowerInvariant();
    }

    private string SerialOnDisk(string file)
    {
        var run = Run("openssl", "x509", "-noout", "-serial", "-in", Path.Combine(cluster.Files.Pki, file));
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Trim()["serial=".Length..].ToLowerInvariant();
    }

    private static string KeyIdOf(X509Certificate2 ca) => ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier!;

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
            if (watch.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"never saw {what}");
            await Task.Delay(20);
        }
    }

    private static ToolResult Run(string file, params string[] args) => ExternalTool.RunWith(file, null, args);
}

public sealed class CertificateLifeTests34(RenewalSandbox34 cluster, ITestOutputHelper output)
    : CertificateLifeTests(cluster, output), IClassFixture<RenewalSandbox34>;

public sealed class CertificateLifeTests35(RenewalSandbox35 cluster, ITestOutputHelper output)
    : CertificateLifeTests(cluster, output), IClassFixture<RenewalSandbox35>;

// Over SSH, on host sets of their own (see RenewalHosts).
public sealed class SshCertificateLifeTests34(RenewalHosts34 cluster, ITestOutputHelper output)
    : CertificateLifeTests(cluster, output), IClassFixture<RenewalHosts34>;

public sealed class SshCertificateLifeTests35(RenewalHosts35 cluster, ITestOutputHelper output)
    : CertificateLifeTests(cluster, output), IClassFixture<RenewalHosts35>;
