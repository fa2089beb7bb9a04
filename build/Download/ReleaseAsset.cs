using System.Runtime.InteropServices;
using EtcdForge.Configuration;

namespace EtcdForge.Download;

// The files of one etcd release for this machine, in GitHub's release layout ({base}/v{V}/{file}), which
// mirrors copy as is.
public sealed record ReleaseAsset(EtcdVersion Version, string Arch, string BaseUrl)
{
    public string ArchiveName => $"etcd-v{Version}-linux-{Arch}.tar.gz";
    public Uri ArchiveUri => new($"{BaseUrl.TrimEnd('/')}/v{Version}/{ArchiveName}");
    public Uri SumsUri => new($"{BaseUrl.TrimEnd('/')}/v{Version}/SHA256SUMS");

    public static ReleaseAsset For(EtcdVersion version, string baseUrl) =>
        new(version, ArchOf(RuntimeInformation.OSArchitecture), baseUrl);

    public static string ArchOf(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        _ => throw new ForgeError($"etcd releases exist for amd64 and arm64 only, not {architecture}"),
    };
}
