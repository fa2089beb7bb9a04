using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EtcdForge.Tests.EndToEnd;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Security;

// The security promises, checked on a real cluster over SSH with tools the project did not write where a tool
// can be the judge (curl, openssl s_client, etcdctl, tar, stat, Debian's etcd as the would-be intruder). Each
// refusal comes with a control that must succeed with the same command, so a broken setup cannot pass.
// S6 scans for secrets last, so the logs it reads include everything the other tests made the members say.
[Collection(TestHostsCollection.Name)]
public sealed class SecurityTests(SecurityCluster cluster) : IClassFixture<SecurityCluster>
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private void Up() => Assert.True(cluster.FirstRun.ExitCode == 0, "building the cluster with the encrypted key failed:\n" + cluster.FirstRun);

    [TestHostFact]
    public void S1_Private_keys_are_0600_and_owned_by_etcd_on_the_nodes_and_0600_in_the_artifacts()
    {
        Up();
        for (var host = 1; host <= 3; host++)
        {
            // Leaf keys live in the generation directory that /etc/etcd/ssl/leaf points at (0700 etcd too).
            var generation = "/etc/etcd/ssl/" + TestHostCluster.Ssh(host, "readlink /etc/etcd/ssl/leaf").Trim();
            var stats = TestHostCluster.Ssh(host, $"stat -c '%a %U %G %n' /etc/etcd/ssl /var/lib/etcd {generation} /etc/etcd/ssl/*.pem {generation}/*")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ', 4)[3], l => l[..l.LastIndexOf(' ')]);
            Assert.Equal("700 etcd etcd", stats["/etc/etcd/ssl"]);
            Assert.Equal("700 etcd etcd", stats["/var/lib/etcd"]);
            Assert.Equal("700 etcd etcd", stats[generation]);
            var keys = stats.Keys.Where(k => k.EndsWith("-key.pem", StringComparison.Ordinal)).Order().ToList();
            Assert.Equal([$"{generation}/etcd{host}-key.pem", $"{generation}/etcd{host}-peer-key.pem"], keys);
            Assert.All(keys, k => Assert.Equal("600 etcd etcd", stats[k]));
        }

        var me = ExternalTool.Succeed("id", "-un").Trim();
        var pkiKeys = Directory.GetFiles(cluster.Files.Pki, "*-key.pem");
        Assert.Equal(1 + 1 + 2 * 3, pkiKeys.Length); // CA, client, server and peer per node
        foreach (var key in pkiKeys) Assert.Equal($"600 {me}", ExternalTool.Succeed("stat", "-c", "%a %U", key).Trim());
        // A bundle holds private keys, so the bundle file itself is private too, and so are the keys inside it.
        foreach (var bundle in Bundles())
        {
            Assert.Equal($"600 {me}", ExternalTool.Succeed("stat", "-c", "%a %U", bundle).Trim());
            var listing = ExternalTool.Succeed("tar", "tvzf", bundle).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var keyEntries = listing.Where(l => l.EndsWith("-key.pem", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(keyEntries);
            Assert.All(keyEntries, l => Assert.StartsWith("-rw------- ", l));
        }
    }

    [TestHostFact]
    public void S1b_A_key_chowned_on_a_node_is_handed_back_to_etcd_by_the_next_deploy()
    {
        Up();
        var key = "/etc/etcd/ssl/" + TestHostCluster.Ssh(1, "readlink /etc/etcd/ssl/leaf").Trim() + "/etcd1-key.pem";
        TestHostCluster.Ssh(1, $"chown root:root {key}");

        var run = cluster.Forge("--target=DeployNodes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Lines, l => l.Contains($"[etcd1] chown {key} (root -> etcd)"));
        Assert.Equal("600 etcd etcd", TestHostCluster.Ssh(1, $"stat -c '%a %U %G' {key}").Trim());
        var again = cluster.Forge("--target=DeployNodes");
        again.ChangedNothing("DeployNodes");
    }

    [TestHostFact]
    public void S2_No_bundle_holds_the_CA_key_or_another_members_key()
    {
        Up();
        var allKeys = Directory.GetFiles(cluster.Files.Pki, "*-key.pem").ToDictionary(f => Path.GetFileName(f), f => File.ReadAllBytes(f));
        foreach (var bundle in Bundles())
        {
            var owner = Path.GetFileName(bundle)[..^".tar.gz".Length];
            string[] own = owner == "client" ? ["client-key.pem"] : [$"{owner}-key.pem", $"{owner}-peer-key.pem"];
            var entries = Entries(bundle);
            var keyEntries = entries.Where(e => e.Key.EndsWith("-key.pem", StringComparison.Ordinal)).ToList();
            Assert.Equal(own.Order(), keyEntries.Select(e => Path.GetFileName(e.Key)).Order());
            foreach (var (name, content) in keyEntries) Assert.Equal(allKeys[Path.GetFileName(name)], content);

            // Not under another name either: no other key's body appears anywhere in the unpacked bundle.
            var everything = Encoding.ASCII.GetString(entries.Values.SelectMany(b => b).ToArray());
            foreach (var (name, content) in allKeys.Where(k => !own.Contains(k.Key)))
            {
                foreach (var line in BodyLines(Encoding.ASCII.GetString(content)))
                {
                    Assert.False(everything.Contains(line, StringComparison.Ordinal), $"{Path.GetFileName(bundle)} contains part of {name}");
                }
            }
        }
    }

    [TestHostFact]
    public void S3_The_CA_key_is_nowhere_on_any_node()
    {
        Up();
        var caKey = File.ReadAllText(Path.Combine(cluster.Files.Pki, "etcd-root-ca-key.pem"));
        for (var host = 1; host <= 3; host++)
        {
            var ownKey = File.ReadAllText(Path.Combine(cluster.Files.Pki, $"etcd{host}-key.pem"));
            var files = TestHosts.PrivateDirs.Select(d => TestHosts.PrivateRoot(host) + d).Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)).ToList();
            Assert.Contains(files, f => f.EndsWith("/usr/local/bin/etcd", StringComparison.Ordinal));
            Assert.Contains(files, f => f.Contains("/var/lib/etcd/member/", StringComparison.Ordinal));

            // The node's own key is found by the same search, so the search can find a key where one is.
            Assert.Contains(files, f => Holds(f, ownKey));
            var leaks = files.Where(f => Holds(f, caKey)).ToList();
            Assert.True(leaks.Count == 0, $"the CA key is on host{host}: {string.Join(", ", leaks)}");
        }
    }

    [TestHostFact]
    public void S4_A_peer_with_a_certificate_from_another_CA_cannot_join()
    {
        Up();
        using var foreign = new ForeignCa(cluster.Scratch);
        var peerUrl = $"https://{TestHosts.Gateway}:2380";
        using var added = JsonDocument.Parse(AddMember("intruder", peerUrl));
        var id = added.RootElement.GetProperty("member").GetProperty("ID").GetUInt64();
        var memberLog = TestHosts.PrivateRoot(1) + "/run/etcd/etcd.log";
        var logStart = new FileInfo(memberLog).Length;
        var data = Directory.CreateDirectory(Path.Combine(cluster.Scratch, "intruder-data")).FullName;
        File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string log;
        int exit;
        try
        {
            // Debian's etcd, told everything right (cluster, token, the cluster's CA to trust), except that its
            // own certificate comes from another CA. Client side on this suite's loopback range.
            var initialCluster = string.Join(',', Enumerable.Range(1, 3).Select(h => $"etcd{h}={TestHostCluster.PeerUrl(h)}")) + $",intruder={peerUrl}";
            using var intruder = ExternalTool.Start("/usr/bin/etcd",
                "--name=intruder", $"--data-dir={data}", $"--listen-peer-urls={peerUrl}", $"--initial-advertise-peer-urls={peerUrl}",
                "--listen-client-urls=https://127.0.3.1:2379", "--advertise-client-urls=https://127.0.3.1:2379",
                $"--initial-cluster={initialCluster}", "--initial-cluster-state=existing", $"--initial-cluster-token={cluster.Name}-token",
                $"--peer-cert-file={foreign.Cert}", $"--peer-key-file={foreign.Key}", $"--peer-trusted-ca-file={cluster.Files.CaCert}",
                "--peer-client-cert-auth", $"--cert-file={foreign.Cert}", $"--key-file={foreign.Key}",
                "--logger=zap", "--log-outputs=stderr");
            // It gives up on its own once every member has refused it; the guard only stops a hung test (whose log
            // the assertions below then show).
            ToolResult ran;
            try
            {
                ran = intruder.Wait(HangGuard);
            }
            catch (TimeoutException)
            {
                ran = intruder.Stop();
            }
            exit = ran.ExitCode;
            log = ran.Output;

            // It never became a started member: it is still listed without a name (etcdctl's "unstarted").
            using var members = JsonDocument.Parse(cluster.EtcdctlSucceeds("member", "list", "-w", "json"));
            var entry = members.RootElement.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("ID").GetUInt64() == id);
            Assert.False(entry.TryGetProperty("name", out var name) && name.GetString() != "", "the intruder started as a member: " + entry);
            Assert.False(entry.TryGetProperty("clientURLs", out var urls) && urls.GetArrayLength() > 0, "the intruder serves clients: " + entry);
        }
        finally
        {
            cluster.EtcdctlSucceeds("member", "remove", id.ToString("x"));
        }

        Assert.True(exit != 0, "the intruder etcd ran on:\n" + log);
        for (var host = 1; host <= 3; host++)
        {
            Assert.True(log.Contains($"\"address\":\"{TestHostCluster.PeerUrl(host)}/members\"") && log.Contains("remote error: tls: bad certificate"),
                $"no TLS refusal by etcd{host} in the intruder's log:\n{log}");
        }
        Assert.Contains("failed to start etcd", log);
        using (var file = new FileStream(memberLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            file.Seek(logStart, SeekOrigin.Begin);
            var newLines = new StreamReader(file).ReadToEnd();
            Assert.True(newLines.Contains($"\"remote-addr\":\"{TestHosts.Gateway}:") && newLines.Contains("certificate signed by unknown authority"),
                "etcd1 did not log the rejected certificate:\n" + newLines);
        }
        using var after = JsonDocument.Parse(cluster.EtcdctlSucceeds("member", "list", "-w", "json"));
        Assert.Equal(TestHostCluster.Nodes, after.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()).Order());
        var health = cluster.Etcdctl("endpoint", "health");
        Assert.True(health.ExitCode == 0 && health.Output.Split('\n').Count(l => l.Contains("is healthy")) == 3, health.Output);
    }

    [TestHostFact]
    public void S5_Clients_without_a_certificate_with_a_foreign_one_or_over_plain_HTTP_are_refused_and_TLS_below_1_2_too()
    {
        Up();
        using var foreign = new ForeignCa(cluster.Scratch);
        for (var host = 1; host <= 3; host++)
        {
            var url = $"{TestHostCluster.Endpoint(host)}/v3/kv/range";
            string[] post = ["-sS", "--max-time", "30", "--cacert", cluster.Files.CaCert, "-X", "POST", "-d", "{\"key\":\"Zm9v\"}"];

            var control = ExternalTool.Run("curl", [.. post, "--cert", cluster.Files.ClientCert, "--key", cluster.Files.ClientKey, url]);
            Assert.True(control.ExitCode == 0 && control.Stdout.Contains("\"cluster_id\""), $"curl with the client certificate: {control.Output}");

            var anonymous = ExternalTool.Run("curl", [.. post, url]);
            Assert.True(anonymous.ExitCode != 0 && !anonymous.Stdout.Contains("cluster_id"), $"curl without a certificate got in: {anonymous.Output}");
            var stranger = ExternalTool.Run("curl", [.. post, "--cert", foreign.Cert, "--key", foreign.Key, url]);
            Assert.True(stranger.ExitCode != 0 && !stranger.Stdout.Contains("cluster_id"), $"curl with a foreign certificate got in: {stranger.Output}");
            var plain = ExternalTool.Run("curl", ["-sS", "--max-time", "30", "-X", "POST", "-d", "{\"key\":\"Zm9v\"}", url.Replace("https://", "http://")]);
            Assert.True(!plain.Stdout.Contains("cluster_id") && !plain.Stdout.Contains("etcdserver"), $"plain HTTP got an answer: {plain.Output}");

            // openssl names the reason: the server's TLS alert, not a connection problem on this side.
            foreach (var port in new[] { 2379, 2380 })
            {
                Assert.Contains("alert bad certificate", SClient(host, port, []).Output);
                Assert.Contains("alert bad certificate", SClient(host, port, ["-cert", foreign.Cert, "-key", foreign.Key]).Output);

                string[] weak = ["-cipher", "DEFAULT@SECLEVEL=0", "-cert", cluster.Files.ClientCert, "-key", cluster.Files.ClientKey];
                var tls12 = SClient(host, port, ["-tls1_2", .. weak]);
                Assert.True(tls12.ExitCode == 0 && tls12.Output.Contains("Protocol  : TLSv1.2"), $"TLS 1.2 control on {host}:{port}: {tls12.Output}");
                foreach (var old in new[] { "-tls1", "-tls1_1" })
                {
                    var refused = SClient(host, port, [old, .. weak]);
                    Assert.True(refused.ExitCode != 0 && refused.Output.Contains("alert protocol version") && !refused.Output.Contains("no protocols available"),
                        $"openssl s_client {old} to etcd{host}:{port} was not refused by the server: {refused.Output}");
                }
            }
        }
    }

    [TestHostFact]
    public void S6_Secrets_never_appear_in_output_reports_or_logs()
    {
        Up();
        Assert.True(cluster.DiagnosticRun.ExitCode == 0, cluster.DiagnosticRun.ToString());
        Assert.True(cluster.WrongPassphraseRun.ExitCode != 0, "a wrong passphrase was accepted:\n" + cluster.WrongPassphraseRun);
        Assert.Contains(cluster.WrongPassphraseRun.ErrorLines, l => l.Contains(cluster.KeyFile) && l.Contains("wrong passphrase?"));

        var secrets = new List<(string What, string Text)>
        {
            ("the SSH key passphrase", cluster.Passphrase),
            ("the wrong passphrase", cluster.WrongPassphrase),
            ("a PEM private key header", "PRIVATE KEY"),
        };
        foreach (var key in Directory.GetFiles(cluster.Files.Pki, "*-key.pem"))
        {
            secrets.AddRange(BodyLines(File.ReadAllText(key)).Select(l => ($"a line of {Path.GetFileName(key)}", l)));
        }
        secrets.AddRange(BodyLines(File.ReadAllText(cluster.KeyFile)).Select(l => ("a line of the encrypted SSH key", l)));
        secrets.AddRange(BodyLines(cluster.DecryptedKey).Select(l => ("a line of the decrypted SSH key", l)));
        Assert.True(secrets.Count > 20, "too few secrets to look for: " + secrets.Count);

        var places = new List<(string Where, string Text)>();
        foreach (var run in cluster.Runs)
        {
            places.Add(($"stdout of {string.Join(' ', run.Args)}", run.Stdout));
            places.Add(($"stderr of {string.Join(' ', run.Args)}", run.Stderr));
        }
        var reports = Directory.GetFiles(cluster.Files.Reports).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["applied.json", "deploy.json", "image.json", "verify.json", "verify.junit.xml"], reports);
        places.AddRange(Directory.GetFiles(cluster.Files.Reports).Select(f => (f, File.ReadAllText(f))));
        places.AddRange(Directory.GetFiles(cluster.Artifacts, "*.log", SearchOption.AllDirectories).Select(f => (f, File.ReadAllText(f))));
        for (var host = 1; host <= 3; host++)
        {
            var log = TestHosts.PrivateRoot(host) + "/run/etcd/etcd.log";
            Assert.True(File.Exists(log), $"no etcd log on host{host}");
            places.Add(($"etcd's log on host{host}", File.ReadAllText(log)));
        }

        var found = (from place in places
                     from secret in secrets
                     where place.Text.Contains(secret.Text, StringComparison.Ordinal)
                     select $"{secret.What} in {place.Where}").Distinct().ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    // etcd refuses a new member ("unhealthy cluster") until every member has been connected to the leader for
    // a few seconds, which a freshly built cluster may not have been yet; that refusal is waited out.
    private string AddMember(string name, string peerUrl)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var add = cluster.Etcdctl("member", "add", name, $"--peer-urls={peerUrl}", "-w", "json");
            if (add.ExitCode == 0) return add.Stdout;
            Assert.True(add.Stderr.Contains("etcdserver: unhealthy cluster") && watch.Elapsed < HangGuard, $"etcdctl member add: {add.Output}");
            Thread.Sleep(500);
        }
    }

    private IEnumerable<string> Bundles()
    {
        var bundles = Directory.GetFiles(Path.Combine(cluster.ClusterDir, "bundles"), "*.tar.gz").Order().ToList();
        Assert.Equal(["client.tar.gz", "etcd1.tar.gz", "etcd2.tar.gz", "etcd3.tar.gz"], bundles.Select(Path.GetFileName));
        return bundles;
    }

    private static Dictionary<string, byte[]> Entries(string bundle)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null) continue;
            using var content = new MemoryStream();
            entry.DataStream.CopyTo(content);
            entries[entry.Name.TrimStart('.', '/')] = content.ToArray();
        }
        return entries;
    }

    // The base64 lines of a PEM or OpenSSH key, long enough not to match by chance.
    private static IEnumerable<string> BodyLines(string pem) =>
        pem.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= 16 && !l.StartsWith("-----", StringComparison.Ordinal));

    // True when the file holds the key in any form: a line of its PEM text, its DER, or its raw private value.
    private static bool Holds(string file, string keyPem)
    {
        var bytes = ReadLocked(file);
        using var ec = ECDsa.Create();
        ec.ImportFromPem(keyPem);
        byte[][] needles =
        [
            .. BodyLines(keyPem).Select(Encoding.ASCII.GetBytes),
            ec.ExportPkcs8PrivateKey(),
            ec.ExportECPrivateKey(),
            ec.ExportParameters(includePrivateParameters: true).D!,
        ];
        return needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0);
    }

    // etcd holds an exclusive lock on its database, which .NET's File.Read* honours; base64 does not care
    // (base64 because the runner captures text.)
    private static byte[] ReadLocked(string file) => Convert.FromBase64String(ExternalTool.Succeed("base64", "-w0", file).Trim());

    // -ign_eof with a request on stdin: a refusal that TLS 1.3 sends after the handshake is read too.
    private ToolResult SClient(int host, int port, string[] args) => ExternalTool.RunWithInput("openssl",
        "GET /version HTTP/1.1\r\nHost: etcd\r\nConnection: close\r\n\r\n",
        ["s_client", "-connect", $"{TestHosts.Address(host)}:{port}", "-CAfile", cluster.Files.CaCert, "-ign_eof", .. args]);

    // A CA the cluster has never seen, with a certificate for this machine's bridge address and this suite's
    // loopback address, good as client and server (what an etcd peer needs). Made with openssl.
    private sealed class ForeignCa : IDisposable
    {
        private readonly string _dir;

        public ForeignCa(string scratch)
        {
            _dir = Directory.CreateDirectory(Path.Combine(scratch, "foreign-" + Guid.NewGuid().ToString("N"))).FullName;
            var caKey = Path.Combine(_dir, "ca-key.pem");
            var ca = Path.Combine(_dir, "ca.pem");
            var csr = Path.Combine(_dir, "peer.csr");
            var ext = Path.Combine(_dir, "ext.cnf");
            File.WriteAllText(ext, $"extendedKeyUsage=clientAuth,serverAuth\nsubjectAltName=IP:{TestHosts.Gateway},IP:127.0.3.1\n");
            ExternalTool.Succeed("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=foreign CA");
            ExternalTool.Succeed("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", Key, "-out", csr, "-subj", "/CN=root");
            ExternalTool.Succeed("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial",
                "-out", Cert, "-days", "2", "-extfile", ext);
        }

        public string Cert => Path.Combine(_dir, "peer.pem");
        public string Key => Path.Combine(_dir, "peer-key.pem");

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
