using System.Text;
using EtcdForge.Remote;

namespace EtcdForge.Tests.Remote;

// Like the build, the tests run on Unix only.
[Collection(TestHostsCollection.Name)]
public sealed class SshShellTests(TestHosts hosts)
{
    [TestHostTheory]
    [InlineData("root", "id_ed25519")]
    [InlineData("root", "id_rsa")]
    [InlineData("efdeploy", "id_rsa_pem")]
    [InlineData("efdeploy", "id_ed25519")]
    public async Task Runs_commands_as_root_on_the_hosts_address(string user, string key)
    {
        await using var shell = await SshShell.OpenAsync(TestHosts.Node(1, user, TestHosts.Key(key), hostKey: hosts.Fingerprint(1)), TestHosts.Ssh);

        var result = (await shell.RunAsync("id -u; hostname -I")).EnsureSuccess("probe");

        Assert.Equal("host1", shell.NodeName);
        Assert.Equal("0", result.Stdout.Split('\n')[0]);
        Assert.Contains(TestHosts.Address(1).ToString(), result.Stdout);
    }

    [TestHostTheory]
    [InlineData("root")]
    [InlineData("efdeploy")]
    public async Task Exit_code_and_stderr_reach_the_error(string user)
    {
        await using var shell = await SshShell.OpenAsync(TestHosts.Node(2, user, TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts), TestHosts.Ssh);

        var result = await shell.RunAsync("echo partial; echo 'it'\"'\"'s broken' >&2; exit 3");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("partial\n", result.Stdout);
        var error = Assert.Throws<NodeError>(() => result.EnsureSuccess("checking etcd"));
        Assert.Equal("host2: checking etcd failed (exit 3): it's broken", error.Message);
    }

    [TestHostTheory]
    [InlineData("root")]
    [InlineData("efdeploy")]
    public async Task Upload_puts_content_and_mode_in_place_without_leftovers(string user)
    {
        await using var shell = await SshShell.OpenAsync(TestHosts.Node(1, user, TestHosts.Key("id_rsa_pem"), knownHosts: hosts.KnownHosts), TestHosts.Ssh);
        var dir = $"/etc/etcd/ssl-{user}-{Guid.NewGuid():N}";
        var path = $"{dir}/server key.pem";
        var content = Encoding.UTF8.GetBytes("-----BEGIN PRIVATE KEY-----\nnot really\n");

        await shell.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("old content")), path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await shell.UploadAsync(new MemoryStream(content), path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var q = ShellQuote.Arg(path);
        Assert.Equal(Encoding.UTF8.GetString(content), (await shell.RunAsync($"cat {q}")).EnsureSuccess("cat").Stdout);
        Assert.Equal("600 root\n", (await shell.RunAsync($"stat -c '%a %U' {q}")).EnsureSuccess("stat").Stdout);
        Assert.Equal("server key.pem\n", (await shell.RunAsync($"ls -A {ShellQuote.Arg(dir)}")).EnsureSuccess("ls").Stdout);
        Assert.Equal("old content".Length + content.Length, shell.BytesUploaded);
    }

    // Every remote command costs a round trip and a login shell, so a deploy must not pay them per file.
    [TestHostFact]
    public async Task Many_files_upload_with_as_many_commands_as_one_and_land_with_their_modes()
    {
        await using var shell = await SshShell.OpenAsync(TestHosts.Node(3, "efdeploy", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts), TestHosts.Ssh);
        var dir = $"/etc/etcd/batch-{Guid.NewGuid():N}";
        const UnixFileMode secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode open = secret | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

        // The connection's first upload also makes its staging directory (one command, once per connection).
        await shell.UploadAsync(new MemoryStream("one"u8.ToArray()), $"{dir}/one", open);
        var forOne = await CommandsStartedOn(3, () => shell.UploadAsync(new MemoryStream("one"u8.ToArray()), $"{dir}/one", open));
        var files = Enumerable.Range(1, 4).Select(i => SingleUpload.Of(
            $"{dir}/sub {i}/file {i}", new MemoryStream(Encoding.UTF8.GetBytes($"content {i}")), i % 2 == 0 ? secret : open)).ToList();
        var forFour = await CommandsStartedOn(3, () => shell.UploadAsync(files));

        Assert.True(forOne > 0, "no commands seen in the host's sshd log");
        Assert.Equal(forOne, forFour);
        var listing = (await shell.RunAsync($"cd {ShellQuote.Arg(dir)} && find . -type f -printf '%p %m %U ' -exec cat {{}} ';' -exec echo ';' | sort"))
            .EnsureSuccess("listing").Stdout;
        Assert.Equal("""
            ./one 644 0 one
            ./sub 1/file 1 644 0 content 1
            ./sub 2/file 2 600 0 content 2
            ./sub 3/file 3 644 0 content 3
            ./sub 4/file 4 600 0 content 4

            """, listing);
        Assert.Equal(2 * "one".Length + 4 * "content 1".Length, shell.BytesUploaded);
    }

    [TestHostFact]
    public async Task A_file_that_cannot_be_installed_is_named_and_the_files_before_it_are_in_place()
    {
        await using var shell = await SshShell.OpenAsync(TestHosts.Node(1, "root", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts), TestHosts.Ssh);
        var good = $"/etc/etcd/before-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<NodeError>(() => shell.UploadAsync(
            [SingleUpload.Of(good, new MemoryStream([1]), UnixFileMode.UserRead), SingleUpload.Of("/proc/etcd-forge/y", new MemoryStream([2]), UnixFileMode.UserRead)]));

        Assert.StartsWith("host1: installing /proc/etcd-forge/y failed (exit 1): ", error.Message);
        Assert.Equal(0, (await shell.RunAsync($"test -f {ShellQuote.Arg(good)}")).ExitCode);
    }

    [TestHostFact]
    public async Task Failed_install_reports_exit_code_and_stderr()
    {
        await using var shell = await SshShell.OpenAsync(TestHosts.Node(1, "root", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts), TestHosts.Ssh);

        var error = await Assert.ThrowsAsync<NodeError>(() =>
            shell.UploadAsync(new MemoryStream([1, 2, 3]), "/proc/etcd-forge/x", UnixFileMode.UserRead));

        Assert.StartsWith("host1: installing /proc/etcd-forge/x failed (exit 1): ", error.Message);
        Assert.Contains("mkdir", error.Message);
    }

    [TestHostFact]
    public async Task Wrong_pinned_fingerprint_names_both_fingerprints()
    {
        var wrong = hosts.Fingerprint(2);

        var error = await Assert.ThrowsAsync<NodeError>(() =>
            SshShell.OpenAsync(TestHosts.Node(1, "root", TestHosts.Key("id_ed25519"), hostKey: wrong), TestHosts.Ssh));

        Assert.Contains("does not match", error.Message);
        Assert.Contains(hosts.Fingerprint(1), error.Message);
        Assert.Contains(wrong, error.Message);
    }

    [TestHostFact]
    public async Task Hashed_known_hosts_entries_are_matched()
    {
        using var temp = new TempDir();
        var knownHosts = temp.File("known_hosts", hosts.KnownHostsLine(3) + "\n");
        await RunAsync("ssh-keygen", "-H", "-f", knownHosts);
        Assert.StartsWith("|1|", File.ReadAllText(knownHosts));

        await using var shell = await SshShell.OpenAsync(TestHosts.Node(3, "root", TestHosts.Key("id_ed25519"), knownHosts: knownHosts), TestHosts.Ssh);

        Assert.Equal("ok\n", (await shell.RunAsync("echo ok")).Stdout);
    }

    [TestHostFact]
    public async Task Changed_host_key_is_refused_with_presented_and_expected_fingerprints()
    {
        using var temp = new TempDir();
        var host2Key = hosts.KnownHostsLine(2).Split(' ', 2)[1];
        var knownHosts = temp.File("known_hosts", $"{TestHosts.Address(1)} {host2Key}\n");

        var error = await Assert.ThrowsAsync<NodeError>(() =>
            SshShell.OpenAsync(TestHosts.Node(1, "root", TestHosts.Key("id_ed25519"), knownHosts: knownHosts), TestHosts.Ssh));

        Assert.Contains("HAS CHANGED", error.Message);
        Assert.Contains(hosts.Fingerprint(1), error.Message);
        Assert.Contains(hosts.Fingerprint(2), error.Message);
    }

    [TestHostFact]
    public async Task Unknown_host_is_refused_unless_trust_on_first_use_records_it()
    {
        using var temp = new TempDir();
        var knownHosts = temp.File("known_hosts", "");
        var node = TestHosts.Node(2, "root", TestHosts.Key("id_ed25519"), knownHosts: knownHosts);

        var error = await Assert.ThrowsAsync<NodeError>(() => SshShell.OpenAsync(node, TestHosts.Ssh));
        Assert.Contains("is unknown", error.Message);
        Assert.Contains(hosts.Fingerprint(2), error.Message);
        Assert.Equal("", File.ReadAllText(knownHosts));

        await using (await SshShell.OpenAsync(node, TestHosts.Ssh with { TrustOnFirstUse = true })) { }
        Assert.Equal(hosts.KnownHostsLine(2) + "\n", File.ReadAllText(knownHosts));

        await using var again = await SshShell.OpenAsync(node, TestHosts.Ssh);
        Assert.Equal(0, (await again.RunAsync("true")).ExitCode);
    }

    [TestHostFact]
    public async Task User_without_sudo_gets_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<NodeError>(() =>
            SshShell.OpenAsync(TestHosts.Node(1, "efnosudo", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts), TestHosts.Ssh));

        Assert.StartsWith("host1: user efnosudo cannot sudo without a password on host1", error.Message);
    }

    [TestHostFact]
    public async Task Refused_connection_fails_clearly_after_the_retries()
    {
        var node = TestHosts.Node(1, "root", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts, port: 2222);

        var error = await Assert.ThrowsAsync<NodeError>(() =>
            SshShell.OpenAsync(node, TestHosts.Ssh with { ConnectAttempts = 3, FirstRetryDelay = TimeSpan.FromMilliseconds(50) }));

        Assert.Contains($"cannot connect to root@[{TestHosts.Address(1)}]:2222 after 3 attempt(s)", error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [TestHostFact]
    public async Task Key_that_is_not_authorized_is_reported_without_retrying()
    {
        using var temp = new TempDir();
        var key = temp.Combine("stranger");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);

        var error = await Assert.ThrowsAsync<NodeError>(() =>
            SshShell.OpenAsync(TestHosts.Node(1, "root", key, knownHosts: hosts.KnownHosts), TestHosts.Ssh));

        Assert.Contains($"refused key {key}", error.Message);
    }

    [TestHostFact]
    public async Task Encrypted_key_needs_its_passphrase()
    {
        var node = TestHosts.Node(1, "root", TestHosts.Key("id_ed25519_encrypted"), knownHosts: hosts.KnownHosts);

        var error = await Assert.ThrowsAsync<NodeError>(() => SshShell.OpenAsync(node, TestHosts.Ssh));
        Assert.Contains("is encrypted", error.Message);

        await using var shell = await SshShell.OpenAsync(node, TestHosts.Ssh with { KeyPassphrase = "forge" });
        Assert.Equal(0, (await shell.RunAsync("true")).ExitCode);
    }

    [TestHostFact]
    public async Task Each_host_has_private_etcd_directories()
    {
        var name = $"/etc/etcd/private-{Guid.NewGuid():N}";
        await using var host1 = await SshShell.OpenAsync(TestHosts.Node(1, "root", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts), TestHosts.Ssh);
        await using var host2 = await SshShell.OpenAsync(TestHosts.Node(2, "root", TestHosts.Key("id_ed25519"), knownHosts: hosts.KnownHosts), TestHosts.Ssh);

        (await host1.RunAsync($"echo host1 > {name}")).EnsureSuccess("writing");

        Assert.Equal(0, (await host1.RunAsync($"test -e {name}")).ExitCode);
        Assert.Equal(1, (await host2.RunAsync($"test -e {name}")).ExitCode);
        Assert.False(File.Exists(name));
    }

    // Commands (not SFTP) that the host's sshd started while the action ran.
    private static Task<int> CommandsStartedOn(int host, Func<Task> action) => TestHosts.SshdLogLinesDuring(host, "Starting session: command ", action);

    private static Task RunAsync(string program, params string[] args) => Task.Run(() => ExternalTool.Succeed(program, args));
}
