using System.Net;
using System.Text;
using EtcdForge.Configuration;
using EtcdForge.Remote;

namespace EtcdForge.Tests.Remote;

// Like the build, the tests run on Unix only.
public sealed class LocalShellTests
{
    [Fact]
    public async Task Runs_sh_and_returns_exit_code_stdout_and_stderr()
    {
        await using var shell = new LocalShell("local1");

        var result = await shell.RunAsync("echo out; echo first >&2; echo second >&2; exit 7");

        Assert.Equal(new CommandResult("local1", 7, "out\n", "first\nsecond\n"), result);
        var error = Assert.Throws<NodeError>(() => result.EnsureSuccess("starting etcd"));
        Assert.Equal("local1: starting etcd failed (exit 7): first | second", error.Message);
    }

    [Fact]
    public async Task Quoted_arguments_survive_the_shell_unchanged()
    {
        await using var shell = new LocalShell("local1");
        const string tricky = "it's $HOME `id` \"x\" \\ ; rm -rf /nonexistent";

        var result = (await shell.RunAsync($"printf %s {ShellQuote.Arg(tricky)}")).EnsureSuccess("printf");

        Assert.Equal(tricky, result.Stdout);
    }

    [Fact]
    public async Task Upload_replaces_the_file_with_its_mode_and_leaves_no_temp_file()
    {
        using var temp = new TempDir();
        var path = temp.Combine("etc", "etcd", "ssl", "server-key.pem");
        await using var shell = new LocalShell("local1");

        await shell.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("first")), path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await shell.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("second")), path, UnixFileMode.UserRead);

        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        Assert.Equal("first".Length + "second".Length, shell.BytesUploaded);
    }

    [Fact]
    public async Task Upload_refuses_relative_paths()
    {
        await using var shell = new LocalShell("local1");

        await Assert.ThrowsAsync<ArgumentException>(() => shell.UploadAsync(new MemoryStream(), "etc/etcd/x", UnixFileMode.UserRead));
    }

    [Fact]
    public async Task Local_nodes_open_a_local_shell()
    {
        var node = TestNode.At("local1", IPAddress.Loopback);

        await using var shell = await NodeShells.OpenAsync(node, new SshOptions());

        Assert.IsType<LocalShell>(shell);
        Assert.Equal("local1", shell.NodeName);
    }
}
