using System.Security.Cryptography;

namespace EtcdForge.Deploy;

public sealed record DesiredFile(string Path, byte[] Content, UnixFileMode Mode)
{
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content));
}
