using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Download;

namespace EtcdForge.Tests.Packaging;

// A cluster with real certificates (openssl, since the PKI module is written in parallel) and the
// distribution's etcd 3.4 copied into a fake DownloadEtcd result, all inside one temp directory.
public sealed class PackagingFixture : IDisposable
{
    public TempDir Temp { get; } = new();
    public Cluster Cluster { get; }
    public ArtifactLayout Layout { get; }
    public EtcdBinaries Etcd { get; }

    public PackagingFixture(IReadOnlyList<(string Name, string Address)>? nodes = null, int clientPort = 2379, int peerPort = 2380)
    {
        nodes ??= [("etcd1", "127.0.0.11"), ("etcd2", "127.0.0.12"), ("etcd3", "127.0.0.13")];
        var settings = new EtcdSettings(new EtcdVersion(3, 5, 21), "https://example.invalid/etcd", null, null, true,
            clientPort, peerPort, "/var/lib/etcd", 100, 1000, 10000, 2L * 1024 * 1024 * 1024, "1h");
        var profile = new CertProfile(TimeSpan.FromDays(1), ["signing", "key encipherment", "server auth", "client auth"]);
        var pki = new PkiSettings(KeyAlgorithm.EcdsaP256, new Subject("test CA"), TimeSpan.FromDays(2), profile, profile, profile,
            TimeSpan.FromHours(1), [new ClientCert("client", new Subject("root")), new ClientCert("backup", new Subject("backup"))], null);
        var local = new Connection(ConnectionType.Local, null, 22, null, null, null);
        Cluster = new Cluster("test", "test-token", settings, pki,
            nodes.Select(n => TestNode.At(n.Name, IPAddress.Parse(n.Address), local, ServiceKind.Process, clientPort, peerPort)).ToList(), "test.yaml", BackupSettings.Default);
        Layout = new ArtifactLayout(Temp.Combine("artifacts"), Cluster.Name);

        IssueAll();
        var bin = Temp.Combine("bin");
        Directory.CreateDirectory(bin);
        File.Copy("/usr/bin/etcd", Path.Combine(bin, "etcd"));
        File.Copy("/usr/bin/etcdctl", Path.Combine(bin, "etcdctl"));
        Etcd = new EtcdBinaries("3.4.23", "3.5.21", "distribution", "test", new string('0', 64), bin);
        Etcd.Save(Layout);
    }

    private void IssueAll()
    {
        Directory.CreateDirectory(Layout.Pki);
        Openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", Layout.CaKey, "-out", Layout.CaCert, "-days", "2", "-subj", "/CN=test CA");
        foreach (var node in Cluster.Nodes)
        {
            var ip = node.Address.ToString();
            Issue(Layout.ServerCert(node.Name), Layout.ServerKey(node.Name), node.Name, $"IP:{ip},IP:127.0.0.1,DNS:localhost");
            Issue(Layout.PeerCert(node.Name), Layout.PeerKey(node.Name), node.Name, $"IP:{ip}");
        }
        foreach (var client in Cluster.Pki.Clients) Issue(Layout.ClientCert(client.Name), Layout.ClientKey(client.Name), client.Subject.CommonName, null);
    }

    // A bundle's bytes as Package packs them, with the binaries' members from this fixture's shared cache.
    public byte[] Pack(IEnumerable<EtcdForge.Packaging.BundleEntry> entries)
    {
        var output = new MemoryStream();
        EtcdForge.Packaging.TarGzWriter.Write(entries, output, new EtcdForge.Packaging.GzipMembers(Layout.CompressedMembers));
        return output.ToArray();
    }

    // Reissues a server certificate, as IssueCerts does on renewal.
    public void Reissue(string node) =>
        Issue(Layout.ServerCert(node), Layout.ServerKey(node), node, $"IP:{Cluster.Nodes.Single(n => n.Name == node).Address},IP:127.0.0.1");

    private void Issue(string cert, string key, string commonName, string? sans)
    {
        var csr = cert + ".csr";
        var ext = cert + ".ext";
        File.WriteAllText(ext, "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
            + (sans is null ? "" : $"subjectAltName={sans}\n"));
        Openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", csr, "-subj", $"/CN={commonName}");
        Openssl("x509", "-req", "-in", csr, "-CA", Layout.CaCert, "-CAkey", Layout.CaKey,
            "-set_serial", "0x" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..15]), "-days", "1", "-out", cert, "-extfile", ext);
        File.Delete(csr);
        File.Delete(ext);
        File.SetUnixFileMode(key, AtomicFile.PrivateMode);
    }

    private static void Openssl(params string[] args) => ExternalTool.Succeed("openssl", args);

    public Node Node(string name) => Cluster.Nodes.Single(n => n.Name == name);

    public static Dictionary<string, TarEntrySnapshot> ReadBundle(byte[] tarGz)
    {
        var result = new Dictionary<string, TarEntrySnapshot>(StringComparer.Ordinal);
        using var gzip = new GZipStream(new MemoryStream(tarGz), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } e)
        {
            var content = new MemoryStream();
            e.DataStream?.CopyTo(content);
            result.Add(e.Name, new TarEntrySnapshot(e.Name, e.EntryType, e.Mode, e.Uid, e.Gid, e.ModificationTime, content.ToArray(), e.Format));
        }
        return result;
    }

    public void Dispose() => Temp.Dispose();
}

public sealed record TarEntrySnapshot(string Name, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, DateTimeOffset Mtime, byte[] Content, TarEntryFormat Format);
