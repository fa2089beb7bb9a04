using System.Net;
using EtcdForge.Configuration;
using EtcdForge.Nodes;
using EtcdForge.Remote;
using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.Nodes;

// Failures are attributed by type, not by reading the node's name out of the message: each failed node gives one
// line "<node>: <detail>", whether the step threw a NodeError or a plain ForgeError, and the rest still finish.
public sealed class NodeFanOutTests
{
    private static Node Local(string name) => TestNode.At(name, IPAddress.Loopback);

    [Fact]
    public async Task Each_failed_node_is_one_line_naming_it_and_the_others_finish()
    {
        Node[] nodes = [Local("a"), Local("b"), Local("c")];
        await using var pool = new NodeShellPool(new SshOptions());
        var fanOut = new NodeFanOut(nodes, pool, new RecordingLog());

        var runs = await fanOut.RunEachAsync<string>(async (node, shell) => node.Name switch
        {
            "a" => throw new ForgeError("a: looks like a prefix but is only text"),
            "b" => throw new NodeError("b", "disk full"),
            _ => (await shell.RunAsync("echo ok")).EnsureSuccess("echo").Stdout.Trim(),
        });

        Assert.Equal("a", runs[0].Error!.NodeName);
        Assert.Equal("a: a: looks like a prefix but is only text", runs[0].Error!.Message);
        Assert.Equal("b: disk full", runs[1].Error!.Message);
        Assert.Equal("ok", runs[2].Result);
        var error = Assert.Throws<ForgeError>(() => NodeFanOut.ThrowIfAnyFailed(runs));
        Assert.Equal($"a: a: looks like a prefix but is only text{Environment.NewLine}b: disk full (finished on c; a re-run converges the rest)", error.Message);
    }

    // A NodeError about another node (a step that reaches a neighbour) keeps its own node name and gains this one's.
    [Fact]
    public async Task An_error_about_another_node_is_attributed_to_the_node_that_ran_the_step()
    {
        await using var pool = new NodeShellPool(new SshOptions());
        var fanOut = new NodeFanOut([Local("a")], pool, new RecordingLog());

        var runs = await fanOut.RunEachAsync<int>((_, _) => throw new NodeError("z", "unreachable"));

        Assert.Equal("a", runs[0].Error!.NodeName);
        Assert.Equal("a: z: unreachable", runs[0].Error!.Message);
    }
}
