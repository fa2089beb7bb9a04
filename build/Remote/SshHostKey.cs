using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EtcdForge.Remote;

// A public host key as sent on the wire: the blob starts with its own type name ("ssh-ed25519", "ssh-rsa").
public sealed record SshHostKey(byte[] Blob)
{
    public string Type { get; } = ReadType(Blob);

    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(Blob)).TrimEnd('=');

    public string Base64 => Convert.ToBase64String(Blob);

    public bool SameAs(SshHostKey other) => Blob.AsSpan().SequenceEqual(other.Blob);

    public override string ToString() => $"{Type} {Fingerprint}";

    private static string ReadType(byte[] blob)
    {
        if (blob.Length < 4) return "unknown";
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length <= blob.Length - 4 ? Encoding.ASCII.GetString(blob, 4, (int)length) : "unknown";
    }
}
