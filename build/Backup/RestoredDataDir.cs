using EtcdForge.Configuration;
using EtcdForge.Nodes;
using EtcdForge.Remote;

namespace EtcdForge.Backup;

// One member's data dir rebuilt from a snapshot. Whatever is in the data dir (the old data, or what a failed
// earlier Restore left) is moved aside, never deleted here: it is removed only by a later Verify that passes.
// The restore writes into a scratch dir renamed into place at the end, so a member never starts on half a restore.
public static class RestoredDataDir
{
    public const string SetAsideMarker = ".before-restore-";

    public static string SnapshotPathOn(NodePaths paths) => paths.DataDir + ".restore.db";

    public static string Script(NodePaths paths, Node node, Cluster cluster, string token, string stamp)
    {
        string Q(string s) => ShellQuote.Arg(s);
        var data = paths.DataDir;
        var scratch = data + ".restoring";
        var owner = node.InstallsAsSystem ? $"if [ \"$(id -u)\" = 0 ] && getent passwd etcd >/dev/null; then chown -R etcd:etcd {Q(scratch)}; fi" : "";
        return $$"""
            set -e
            if [ -e {{Q(data)}} ]; then mv {{Q(data)}} {{Q(data + SetAsideMarker + stamp)}}; echo "set-aside "{{Q(data + SetAsideMarker + stamp)}}; fi
            rm -rf {{Q(scratch)}}
            # The node's own tool: etcdutl from 3.5 (etcdctl's restore is deprecated there, gone in 3.6), etcdctl on 3.4.
            tool=etcdutl; [ -x {{Q(Path.Combine(paths.BinDir, "etcdutl"))}} ] || tool=etcdctl
            echo "restored-with $tool"
            ETCDCTL_API=3 {{Q(paths.BinDir)}}/$tool snapshot restore {{Q(SnapshotPathOn(paths))}} --name {{Q(node.Name)}} \
              --initial-cluster {{Q(cluster.InitialCluster)}} --initial-cluster-token {{Q(token)}} \
              --initial-advertise-peer-urls {{Q(node.PeerUrl)}} --data-dir {{Q(scratch)}} \
              >{{Q(scratch + ".log")}} 2>&1 || { tail -n 3 {{Q(scratch + ".log")}} >&2; exit 1; }
            chmod 0700 {{Q(scratch)}}
            {{owner}}
            mv {{Q(scratch)}} {{Q(data)}}
            rm -f {{Q(SnapshotPathOn(paths))}} {{Q(scratch + ".log")}}
            """;
    }

    /// <returns>the set-aside dirs it removed.</returns>
    public static async Task<IReadOnlyList<string>> RemoveSetAsideAsync(INodeShell shell, NodePaths paths, CancellationToken ct)
    {
        var pattern = $"{ShellQuote.Arg(paths.DataDir + SetAsideMarker)}*";
        var result = (await shell.RunAsync($"for d in {pattern}; do [ -d \"$d\" ] && rm -rf \"$d\" && echo \"$d\"; done; true", ct))
            .EnsureSuccess("removing data dirs set aside by Restore");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
