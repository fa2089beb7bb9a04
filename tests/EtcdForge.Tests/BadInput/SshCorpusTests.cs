using EtcdForge.Tests.Download;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.BadInput;

// What goes wrong between the build machine and one node, through the real host against the SSH test hosts:
// DeployNodes of three members where only etcd2's connection (or host) is broken. Each gives one error line
// naming etcd2, what is wrong and what to do; artifacts do not change; etcd2 is untouched (or, for a full disk,
// holds no temporary file); etcd1 and etcd3 are deployed anyway; and with the mistake fixed a re-run deploys
// etcd2 while etcd1 and etcd3 stay up to date. Each test removes etcd2's files again at the end, so the next
// one starts from an etcd2 that holds nothing; the fixture removes the rest after the last test. The cases run on
// three SSH test hosts of their own (EF_TESTHOSTS_NET + 20), beside the shared "test hosts" collection.
public sealed class SshCorpusTests(SshCorpusArtifacts shared) : IClassFixture<SshCorpusArtifacts>, IDisposable
{
    private static HostSet Hosts => SshCorpusArtifacts.Hosts;
    private const string FinishedOthers = "(finished on etcd1, etcd3; a re-run converges the rest)";
    private readonly TempDir _scratch = new();
    private string Artifacts => shared.Artifacts;
    private static string Address2 => Hosts.Address(2).ToString();
    private string Good => SshCorpusArtifacts.Good;

    [TestHostFact]
    public async Task Unreachable_host()
    {
        await Hosts.ScriptAsync("link", "2", "down");
        string error;
        ForgeResult run;
        try
        {
            (error, run) = FailsOnEtcd2(Good);
        }
        finally
        {
            await Hosts.ScriptAsync("link", "2", "up");
        }
        ErrorContract.Says(error, run, $"etcd2: cannot connect to root@{Address2} after 4 attempt(s)",
            "check that the host is up, reachable from here and runs sshd on port 22");
        Converges(Good);
    }

    [TestHostFact]
    public void Refused_login_wrong_key()
    {
        var stranger = _scratch.Combine("stranger");
        ExternalTool.Succeed("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger);

        var (error, run) = FailsOnEtcd2(Connection("root", stranger, Hosts.KnownHosts));

        ErrorContract.Says(error, run, $"etcd2: root@{Address2} refused key {stranger}", "has the key's public half in its authorized_keys");
        Converges(Good);
    }

    [TestHostFact]
    public void Refused_login_unknown_user()
    {
        var (error, run) = FailsOnEtcd2(Connection("nosuchuser", Hosts.Key("id_ed25519"), Hosts.KnownHosts));

        ErrorContract.Says(error, run, $"etcd2: nosuchuser@{Address2} refused key", "check that user nosuchuser exists there");
        Converges(Good);
    }

    [TestHostFact]
    public void Changed_host_key()
    {
        // host2's address listed with host3's key, as after a reinstall (or an impostor).
        var knownHosts = _scratch.File("known_hosts", string.Join('\n', File.ReadAllLines(Hosts.KnownHosts)
            .Select(l => l.StartsWith(Address2 + " ", StringComparison.Ordinal)
                ? Address2 + " " + Hosts.KnownHostsLine(3).Split(' ', 2)[1]
                : l)) + "\n");

        var (error, run) = FailsOnEtcd2(Connection("root", Hosts.Key("id_ed25519"), knownHosts));

        ErrorContract.Says(error, run, $"etcd2: HOST KEY OF {Address2} HAS CHANGED", $"presented ssh-ed25519 {Hosts.Fingerprint(2)}",
            $"expects ssh-ed25519 {Hosts.Fingerprint(3)}", "then fix known_hosts");
        Converges(Good);
    }

    [TestHostFact]
    public void Unknown_host_key_until_trusted_on_first_use()
    {
        var knownHosts = _scratch.File("known_hosts", string.Join('\n', File.ReadAllLines(Hosts.KnownHosts)
            .Where(l => !l.StartsWith(Address2 + " ", StringComparison.Ordinal))) + "\n");
        var broken = Connection("root", Hosts.Key("id_ed25519"), knownHosts);

        var (error, run) = FailsOnEtcd2(broken);

        ErrorContract.Says(error, run, $"etcd2: host key of {Address2} is unknown", Hosts.Fingerprint(2), "--trust-new-host-keys");
        Converges(broken, "--trust-new-host-keys");
        Assert.Contains(Hosts.KnownHostsLine(2), File.ReadAllLines(knownHosts));
    }

    [TestHostFact]
    public void Non_root_user_without_sudo()
    {
        var (error, run) = FailsOnEtcd2(Connection("efnosudo", Hosts.Key("id_ed25519"), Hosts.KnownHosts));

        ErrorContract.Says(error, run, "etcd2: user efnosudo cannot sudo without a password", "connect as root or grant NOPASSWD sudo");
        Converges(Connection("efdeploy", Hosts.Key("id_ed25519"), Hosts.KnownHosts));
    }

    [TestHostFact]
    public void Encrypted_key_without_passphrase()
    {
        var encrypted = Connection("root", Hosts.Key("id_ed25519_encrypted"), Hosts.KnownHosts);

        var (error, run) = FailsOnEtcd2(encrypted);

        ErrorContract.Says(error, run, $"etcd2: key file {Hosts.Key("id_ed25519_encrypted")} is encrypted and no passphrase was given",
            "set ETCD_FORGE_SSH_KEY_PASSPHRASE to its passphrase");
        Converges(encrypted, environment: new Dictionary<string, string?> { ["ETCD_FORGE_SSH_KEY_PASSPHRASE"] = "forge" });
    }

    [TestHostFact]
    public void Key_file_that_is_not_a_key()
    {
        var notAKey = _scratch.File("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n");

        var (error, run) = FailsOnEtcd2(Connection("root", notAKey, Hosts.KnownHosts));

        ErrorContract.Says(error, run, $"etcd2: cannot load key file {notAKey}", "expected an OpenSSH or PEM ed25519, ecdsa or RSA private key");
        Converges(Good);
    }

    [TestHostFact]
    public void Ssh_port_that_refuses()
    {
        var (error, run) = FailsOnEtcd2(Connection("root", Hosts.Key("id_ed25519"), Hosts.KnownHosts, port: 2222));

        ErrorContract.Says(error, run, $"etcd2: cannot connect to root@[{Address2}]:2222 after 4 attempt(s)", "refused", "runs sshd on port 2222");
        Converges(Good);
    }

    [TestHostFact]
    public async Task Full_disk_on_the_node()
    {
        await Hosts.ScriptAsync("disk", "2", "/usr/local/bin", "64k");
        try
        {
            var (error, run) = FailsOnEtcd2(Good, nodeUntouched: false);

            ErrorContract.Says(error, run, "etcd2: no space left on etcd2:/usr/local/bin for etcd", "free space there");
            // Whatever was cut off is gone: no temporary file in any directory DeployNodes writes to.
            Assert.Equal("", Ssh(2, "find /usr/local/bin /etc/etcd /etc/systemd/system -name '.*.tmp'").Trim());
        }
        finally
        {
            await Hosts.ScriptAsync("disk", "2", "/usr/local/bin", "none");
        }
        Converges(Good);
    }

    // Deploys with etcd2's connection replaced: one error line about etcd2, artifacts unchanged but for the run's
    // reports (deploy.json, which lists etcd2 with its error, and applied.json, the steps it carried out), etcd2
    // untouched, etcd1 and etcd3 deployed. Returns the line without "Error: ".
    private (string Error, ForgeResult Run) FailsOnEtcd2(string etcd2Connection, bool nodeUntouched = true)
    {
        PackageOnce();
        var artifacts = DirSnapshot.Of(Artifacts);
        var node2 = NodeFiles(2);

        var run = Forge(Config(etcd2Connection), [], null);

        var error = ErrorContract.OneLine(run);
        Assert.True(error.StartsWith("etcd2: ", StringComparison.Ordinal) && error.EndsWith(FinishedOthers, StringComparison.Ordinal),
            "the error should name etcd2 and that etcd1 and etcd3 finished:\n" + run);
        var report = Path.Combine("badinput", "reports", "deploy.json");
        var applied = Path.Combine("badinput", "reports", "applied.json");
        Assert.DoesNotContain(artifacts.Differences(DirSnapshot.Of(Artifacts)),
            d => !d.EndsWith(" " + report, StringComparison.Ordinal) && !d.EndsWith(" " + applied, StringComparison.Ordinal));
        using (var deployed = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Artifacts, report))))
        {
            var etcd2 = deployed.RootElement.EnumerateArray().Single(e => e.GetProperty("node").GetString() == "etcd2");
            Assert.StartsWith(etcd2.GetProperty("error").GetString()!, error);
        }
        if (nodeUntouched) Assert.Empty(node2.Differences(NodeFiles(2)));
        return (error, run);
    }

    // The fixed input deploys etcd2; etcd1 and etcd3 were already deployed by the failed run.
    private void Converges(string etcd2Connection, string? flag = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var run = Forge(Config(etcd2Connection), flag is null ? [] : [flag], environment);
        Assert.True(run.ExitCode == 0, "the fixed input should deploy:\n" + run);
        Assert.Contains(run.Lines, l => l.StartsWith("[etcd2] ", StringComparison.Ordinal) && l.Contains("bytes uploaded"));
        Assert.Contains("[etcd1] up to date, nothing uploaded", run.Lines);
        Assert.Contains("[etcd3] up to date, nothing uploaded", run.Lines);
        Assert.Equal("600 etcd", Ssh(2, "stat -c '%a %U' /etc/etcd/ssl/leaf/etcd2-key.pem").Trim());
    }

    private void PackageOnce()
    {
        var run = shared.Packaged;
        Assert.True(run.ExitCode == 0, "packaging the good description failed:\n" + run);
    }

    private ForgeResult Forge(string config, string[] args, IReadOnlyDictionary<string, string?>? environment) =>
        SshCorpusArtifacts.Forge(config, ["--target=DeployNodes", .. args], Artifacts, environment);

    // The node's private directories, seen from the build machine (testhosts.sh binds them from here).
    private static DirSnapshot NodeFiles(int host) => DirSnapshot.Of(Path.Combine(Hosts.StateDir, $"host{host}", "root"));

    private static string Connection(string user, string keyFile, string knownHosts, int port = 22) =>
        SshCorpusArtifacts.Connection(user, keyFile, knownHosts, port);

    private string Config(string etcd2Connection) => shared.Config(_scratch, etcd2Connection);

    private string Ssh(int host, string command) => ExternalTool.Succeed("ssh",
        "-i", Hosts.Key("id_ed25519"), "-o", "UserKnownHostsFile=" + Hosts.KnownHosts, "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", $"root@{Hosts.Address(host)}", command);

    public void Dispose()
    {
        try
        {
            shared.Destroy(_scratch, only: "etcd2");
        }
        finally
        {
            _scratch.Dispose();
        }
    }
}

// The artifacts the SSH cases share (packaged once: bundles do not depend on how a node is reached), and the
// description they vary. Removes the cluster from all three hosts after the last test.
public sealed class SshCorpusArtifacts : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Lazy<ForgeResult> _packaged;

    public SshCorpusArtifacts()
    {
        _packaged = new(() => Forge(Config(_dir, Good), ["--target=Package"], Artifacts, null));
        // Outside CI without root the cases are skipped (TestHostFact); in CI "up" fails with the reason instead.
        if (TestHostsRequirement.SkipReason() is null) Hosts.UpAsync().GetAwaiter().GetResult();
    }

    public static HostSet Hosts { get; } = new(offset: 20, count: 3, stateSuffix: "corpus");

    public string Artifacts => _dir.Combine("artifacts");
    public ForgeResult Packaged => _packaged.Value;

    public static string Good => Connection("root", Hosts.Key("id_ed25519"), Path.Combine(Hosts.StateDir, "known_hosts"));

    public static string Connection(string user, string keyFile, string knownHosts, int port = 22) =>
        $"{{ type: ssh, user: {user}, port: {port}, keyFile: {keyFile}, knownHosts: {knownHosts} }}";

    public static ForgeResult Forge(string config, string[] args, string artifacts, IReadOnlyDictionary<string, string?>? environment)
    {
        // The last --target wins, so a test may override DeployNodes.
        return new ForgeProcess { Environment = environment ?? new Dictionary<string, string?>() }
            .Start([.. args, $"--config={config}", $"--artifacts={artifacts}"]);
    }

    // Three members on the test hosts, etcd2 reached through the given connection; only a node named by
    // `only` when set.
    public string Config(TempDir where, string etcd2Connection, string? only = null)
    {
        var archive = _dir.Combine(ReleaseArchives.Name);
        lock (_dir)
        {
            if (!File.Exists(archive)) File.WriteAllBytes(archive, ReleaseArchives.Release);
        }
        var nodes = string.Concat(Enumerable.Range(1, 3).Where(n => only is null || only == $"etcd{n}").Select(n => $"""
              - name: etcd{n}
                address: {Hosts.Address(n)}
                service: process
                connection: {(n == 2 ? etcd2Connection : Good)}

            """));
        return where.File($"cluster-{Guid.NewGuid():N}.yaml", $"""
            cluster:
              name: badinput
            etcd:
              version: {ReleaseArchives.Version}
              archive: {archive}
              sha256: {ReleaseArchives.Sha256(ReleaseArchives.Release)}
            nodes:

            """ + nodes);
    }

    // Removes what DeployNodes installed (from one node, or all).
    public void Destroy(TempDir where, string? only = null)
    {
        if (!_packaged.IsValueCreated || _packaged.Value.ExitCode != 0) return;
        var run = Forge(Config(where, Good, only), ["--target=Destroy", "--yes"], Artifacts, null);
        Assert.True(run.ExitCode == 0, "Destroy failed:\n" + run);
    }

    public void Dispose()
    {
        try
        {
            Destroy(_dir);
        }
        finally
        {
            _dir.Dispose();
            if (TestHostsRequirement.SkipReason() is null) Hosts.DownAsync().GetAwaiter().GetResult();
        }
    }
}
