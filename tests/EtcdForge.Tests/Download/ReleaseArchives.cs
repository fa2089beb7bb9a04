using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using EtcdForge.Download;

namespace EtcdForge.Tests.Download;

// Release-shaped archives built from Debian's etcd 3.4.23 binaries, laid out as the official ones are
// (etcd-v3.4.23-linux-amd64/etcd ...). Built once per test run: compressing 30 MB takes a moment.
public static class ReleaseArchives
{
    public const string Version = "3.4.23";
    public static readonly string Name = $"etcd-v{Version}-linux-{ReleaseAsset.ArchOf(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture)}.tar.gz";
    private static readonly string Top = Name[..^".tar.gz".Length];

    private static readonly Lazy<byte[]> Genuine = new(() => Build(includeEtcd: true));
    private static readonly Lazy<byte[]> WithoutEtcd = new(() => Build(includeEtcd: false));

    public static byte[] Release => Genuine.Value;
    public static byte[] ReleaseWithoutEtcd => WithoutEtcd.Value;

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] Sums(string sha256, string fileName = "") =>
        System.Text.Encoding.UTF8.GetBytes($"{new string('0', 64)}  etcd-v{Version}-darwin-amd64.zip\n{sha256}  {(fileName == "" ? Name : fileName)}\n");

    /// <summary>A release-shaped archive of a few hundred bytes whose etcd (and etcdctl, when asked) are scripts
    /// that only answer --version: enough for DownloadEtcd, which never starts etcd (Package refuses them: its image needs ELF binaries).</summary>
    public static byte[] Tiny(string version, bool withEtcdctl = true)
    {
        var top = $"etcd-v{version}-linux-{ReleaseAsset.ArchOf(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture)}";
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var tool in withEtcdctl ? new[] { "etcd", "etcdctl" } : ["etcd"])
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{top}/{tool}")
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"#!/bin/sh\necho '{tool} Version: {version}'\necho 'Git SHA: 0'\n")),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                });
            }
        }
        return buffer.ToArray();
    }

    // A hand-made archive whose only etcd entry tries to climb out of the unpack directory.
    public static byte[] Escaping()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{Top}/../../etcd") { DataStream = new MemoryStream([1, 2, 3]) });
        }
        return buffer.ToArray();
    }

    private static byte[] Build(bool includeEtcd)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, Top + "/"));
            tar.WriteEntry(Text("README.md", "etcd release for tests"));
            if (includeEtcd) tar.WriteEntry(Binary("/usr/bin/etcd", "etcd"));
            tar.WriteEntry(Binary("/usr/bin/etcdctl", "etcdctl"));
        }
        return buffer.ToArray();
    }

    private static PaxTarEntry Binary(string source, string name) => new(TarEntryType.RegularFile, $"{Top}/{name}")
    {
        DataStream = new MemoryStream(File.ReadAllBytes(source)),
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
               | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
    };

    private static PaxTarEntry Text(string name, string content) => new(TarEntryType.RegularFile, $"{Top}/{name}")
    {
        DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
    };
}
