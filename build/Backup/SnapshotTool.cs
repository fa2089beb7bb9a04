using System.Text.Json;
using EtcdForge.Configuration;
using EtcdForge.Download;

namespace EtcdForge.Backup;

// The snapshot commands of the etcd version in use: etcdutl from 3.5 (etcdctl's snapshot status/restore are
// deprecated there and gone in 3.6), etcdctl with ETCDCTL_API=3 on 3.4, which has no etcdutl.
public sealed record SnapshotTool(EtcdVersion Version)
{
    public string Name => Version >= new EtcdVersion(3, 5, 0) ? "etcdutl" : "etcdctl";

    public sealed record Status(string Hash, long Revision, long TotalKeys, long TotalSize);

    /// <summary>Runs "snapshot status" with the tool from <paramref name="binDir"/> on this machine.</summary>
    public async Task<Status> StatusAsync(string binDir, string snapshot)
    {
        var result = await RunLocalAsync(Path.Combine(binDir, Name), ["snapshot", "status", snapshot, "--write-out=json"]);
        if (result.ExitCode != 0)
        {
            throw new ForgeError($"{snapshot} is not an etcd snapshot: {Name} snapshot status says: {result.LastErrorLine}");
        }
        try
        {
            using var json = JsonDocument.Parse(result.Stdout);
            var root = json.RootElement;
            return new Status(root.GetProperty("hash").GetRawText(), root.GetProperty("revision").GetInt64(),
                root.GetProperty("totalKey").GetInt64(), root.GetProperty("totalSize").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ForgeError($"{Name} snapshot status gave no status for {snapshot}: {result.Stdout.Trim()}");
        }
    }

    // etcdctl 3.4 speaks the v2 API unless told otherwise; etcdutl ignores the variable.
    private static Task<CommandResult> RunLocalAsync(string program, IEnumerable<string> args) =>
        ExternalCommand.RunAsync(program, args, TimeSpan.FromMinutes(10), environment: new Dictionary<string, string> { ["ETCDCTL_API"] = "3" });
}
