using System.Diagnostics;
using EtcdForge.Artifacts;
using EtcdForge.Tests.Download;
using EtcdForge.Tests.Pki;
using Xunit.Abstractions;

namespace EtcdForge.Tests.BadInput;

// Runs that meet on one artifacts dir, and runs that are interrupted, through the real host on a tiny local
// archive (Package writes the CA, every certificate and every bundle, and never starts etcd; 127.0.21.x).
public sealed class ConcurrentRunTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 20;
    private readonly TempDir _dir = new();

    // Two builds at once on a fresh artifacts dir, twenty times. Without the lock both made a CA and the key of one
    // could end beside the certificate of the other. Each time both must succeed (the second waits its turn) and
    // every certificate must verify against the CA whose key is the one beside it.
    [Fact]
    // The runs go up to IssueCerts: the CA and the certificates are what a race corrupted; Package only reads them,
    // and its container image needs real binaries, which would make the forty runs take minutes on two cores.
    public void Two_builds_at_once_leave_a_valid_ca_and_certificates_every_time()
    {
        var config = Description(Archive(ReleaseArchives.Tiny(ReleaseArchives.Version)));
        var clock = Stopwatch.StartNew();
        var waited = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var artifacts = _dir.Combine($"artifacts-{round}");
            using var first = new ForgeProcess().Launch("--target=IssueCerts", $"--config={config}", $"--artifacts={artifacts}");
            using var second = new ForgeProcess().Launch("--target=IssueCerts", $"--config={config}", $"--artifacts={artifacts}");
            var runs = new[] { first.Wait(), second.Wait() };

            foreach (var run in runs) Assert.True(run.ExitCode == 0, $"round {round}: both runs should succeed:\n{run}");
            waited += runs.Count(r => r.Output.Contains("is in use by another etcd-forge run", StringComparison.Ordinal));
            AssertValidPki(Path.Combine(artifacts, "concurrent", "pki"), round);
        }
        // Reported, not asserted: how often the two runs overlapped depends on the machine's load.
        output.WriteLine($"{Rounds} rounds of two concurrent IssueCerts runs in {clock.Elapsed.TotalSeconds:0.0} s; a run waited for the other in {waited} of them");
    }

    // A run that cannot wait (ETCD_FORGE_LOCK_WAIT_SECONDS=0) while another holds the lock: one line naming the
    // holder's PID, and not a byte of the artifacts changed. The holder here is this test process, through the
    // same kernel lock the host takes.
    [Fact]
    public void A_run_refused_by_the_lock_names_the_holder_and_changes_nothing()
    {
        var config = Description(Archive(ReleaseArchives.Release));
        var artifacts = _dir.Combine("artifacts");
        Assert.True(ForgeProcess.Run("--target=Package", $"--config={config}", $"--artifacts={artifacts}").ExitCode == 0);
        var cluster = Path.Combine(artifacts, "concurrent");
        var before = DirSnapshot.Of(artifacts);
        using (new FileStream(Path.Combine(cluster, ArtifactsLock.FileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            File.WriteAllText(Path.Combine(cluster, ArtifactsLock.OwnerFileName), $"{Environment.ProcessId} --target=Test\n");
            var refused = new ForgeProcess { Environment = new Dictionary<string, string?> { [ArtifactsLock.PatienceVariable] = "0" } }
                .Start("--target=Package", $"--config={config}", $"--artifacts={artifacts}");

            var error = ErrorContract.OneLine(refused);
            ErrorContract.Says(error, refused, $"{cluster} is in use by another etcd-forge run (PID {Environment.ProcessId}, --target=Test)",
                "let it finish (or stop it) and run again");
            Assert.Empty(before.Differences(DirSnapshot.Of(artifacts)));
        }
        var after = ForgeProcess.Run("--target=Package", $"--config={config}", $"--artifacts={artifacts}");
        Assert.True(after.ExitCode == 0, "with the lock released the same run succeeds:\n" + after);
        Assert.Empty(before.Differences(DirSnapshot.Of(artifacts)));
    }

    // A dry run takes no lock: it writes nothing, so it neither waits nor makes anyone wait.
    [Fact]
    public void A_dry_run_neither_takes_nor_waits_for_the_lock()
    {
        var config = Description(Archive(ReleaseArchives.Release));
        var artifacts = _dir.Combine("artifacts");
        var cluster = Directory.CreateDirectory(Path.Combine(artifacts, "concurrent")).FullName;
        using var held = new FileStream(Path.Combine(cluster, ArtifactsLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var run = new ForgeProcess { Environment = new Dictionary<string, string?> { [ArtifactsLock.PatienceVariable] = "0" } }
            .Start("--target=Package", "--dryrun", $"--config={config}", $"--artifacts={artifacts}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([ArtifactsLock.FileName], Directory.GetFileSystemEntries(cluster).Select(Path.GetFileName));
    }

    // Temporary files of runs that were killed (their PIDs long gone, or reused) are removed by the next run,
    // in the cluster's artifacts and in the shared download cache; the run says so.
    [Fact]
    public void The_next_run_removes_what_killed_runs_left_behind()
    {
        var config = Description(Archive(ReleaseArchives.Release));
        var artifacts = _dir.Combine("artifacts");
        Assert.True(ForgeProcess.Run("--target=Package", $"--config={config}", $"--artifacts={artifacts}").ExitCode == 0);
        var before = DirSnapshot.Of(artifacts);
        var cluster = Path.Combine(artifacts, "concurrent");
        var deadPid = DeadPid();
        string[] planted =
        [
            Path.Combine(cluster, "bundles", $".etcd1.tar.gz.{deadPid}.tmp"),
            Path.Combine(cluster, "pki", $".etcd-root-ca-key.pem.{Environment.ProcessId}.tmp"), // a live PID: under the lock, still stale
            Path.Combine(cluster, "reports", $".deploy.json.{deadPid}.tmp"),
            Path.Combine(artifacts, "cache", "downloads", $".{ReleaseArchives.Name}.{deadPid}.part"),
        ];
        foreach (var file in planted)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, new byte[4096]);
        }
        var staging = Directory.CreateDirectory(Path.Combine(cluster, "etcd", $".staging-{deadPid}", "bin")).Parent!.FullName;
        File.WriteAllText(Path.Combine(staging, "bin", "etcd"), "half unpacked");

        var run = ForgeProcess.Run("--target=Package", $"--config={config}", $"--artifacts={artifacts}");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var file in planted.Append(staging))
        {
            Assert.False(Path.Exists(file), $"{file} is still there:\n{run}");
            Assert.Contains($"removed {file}, left behind by an interrupted run", run.Stdout);
        }
        Assert.Empty(before.Differences(DirSnapshot.Of(artifacts)));
    }

    // The host as Ctrl+C finds it in a terminal: SIGINT at its default action. A suite started as a background job
    // (e.g. `cmd &` in a script) inherits SIGINT ignored, and the host then ran on to exit 0 (seen in two full runs:
    // the testhost's SigIgn had SIGINT set). perl is part of every Debian system (perl-base is Essential).
    private static readonly string[] SigintAtDefault = ["perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\""];

    // SIGINT in the middle of unpacking etcd (the moment is watched for: the staging directory appears): the run
    // ends, and its temporary files go with it, the staging directory included.
    [Fact]
    public void Sigint_removes_the_runs_temporary_files()
    {
        var config = Description(Archive(ReleaseArchives.Release));
        var artifacts = _dir.Combine("artifacts");
        var etcdDir = Path.Combine(artifacts, "concurrent", "etcd");
        using var run = new ForgeProcess { Launcher = SigintAtDefault }.Launch("--target=Package", $"--config={config}", $"--artifacts={artifacts}");
        var staging = Path.Combine(etcdDir, $".staging-{run.Pid}");
        while (!Directory.Exists(staging) && !run.HasExited) Thread.Sleep(2);
        Assert.False(run.HasExited, "the run ended before it unpacked etcd; nothing to interrupt");
        run.Interrupt();
        var result = run.Wait();

        Assert.NotEqual(0, result.ExitCode);
        var left = Directory.EnumerateFileSystemEntries(artifacts, ".*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p) is not (ArtifactsLock.FileName or ArtifactsLock.OwnerFileName)).ToList();
        Assert.True(left.Count == 0, "left behind after SIGINT: " + string.Join(", ", left) + "\n" + result);
    }

    private static void AssertValidPki(string pki, int round)
    {
        var ca = Path.Combine(pki, "etcd-root-ca.pem");
        var caKey = Path.Combine(pki, "etcd-root-ca-key.pem");
        var certPublic = ExternalTool.Succeed("openssl", "x509", "-in", ca, "-noout", "-pubkey");
        var keyPublic = ExternalTool.Succeed("openssl", "pkey", "-in", caKey, "-pubout");
        Assert.True(certPublic == keyPublic, $"round {round}: the CA key does not match the CA certificate");
        var certificates = Directory.GetFiles(pki, "*.pem").Where(f => !f.EndsWith("-key.pem", StringComparison.Ordinal) && f != ca).ToList();
        Assert.Equal(7, certificates.Count); // 3 x (server, peer) + client
        foreach (var certificate in certificates)
        {
            var verify = ExternalTool.Run("openssl", "verify", "-CAfile", ca, certificate);
            Assert.True(verify.ExitCode == 0, $"round {round}: {certificate} does not verify against the CA: {verify.Output}");
        }
    }

    // A PID no process has now: one past the kernel's maximum.
    private static int DeadPid() => int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim()) + 1;

    private string Archive(byte[] content)
    {
        var path = _dir.Combine(ReleaseArchives.Name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Description(string archive) => _dir.File("cluster.yaml", $"""
        cluster:
          name: concurrent
        etcd:
          version: {ReleaseArchives.Version}
          archive: {archive}
          sha256: {ReleaseArchives.Sha256(File.ReadAllBytes(archive))}
        nodes:
          - name: etcd1
            address: 127.0.21.11
            connection: {"{ type: local }"}
          - name: etcd2
            address: 127.0.21.12
            connection: {"{ type: local }"}
          - name: etcd3
            address: 127.0.21.13
            connection: {"{ type: local }"}

        """);

    public void Dispose() => _dir.Dispose();
}
