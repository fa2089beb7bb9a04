using System.Security.Cryptography.X509Certificates;
using EtcdForge.Artifacts;
using EtcdForge.Pki;

namespace EtcdForge.Tests.Pki;

// Checks the issued files with the tools that will read them: openssl and .NET.
public sealed class IssuedCertificateTests
{
    [Theory]
    [InlineData("ecdsa-p256", "NIST CURVE: P-256", "ecdsa-with-SHA256")]
    [InlineData("ecdsa-p384", "NIST CURVE: P-384", "ecdsa-with-SHA384")]
    [InlineData("rsa-2048", "Public-Key: (2048 bit)", "sha256WithRSAEncryption")]
    public void EveryCertificateChainsToTheCaAndCarriesTheConfiguredKey(string algorithm, string keyText, string signature)
    {
        using var pki = new PkiWorkspace(algorithm);
        pki.InitAndIssue();
        AssertIssuedCorrectly(pki, keyText, signature);
    }

    // RSA-4096 key generation takes about a second per key, so one small cluster covers it.
    [Fact]
    public void Rsa4096KeysAreIssuedAndVerify()
    {
        using var pki = new PkiWorkspace("rsa-4096", nodeCount: 1);
        pki.InitAndIssue();
        AssertIssuedCorrectly(pki, "Public-Key: (4096 bit)", "sha256WithRSAEncryption");
    }

    [Fact]
    public void CaIsASelfSignedPathLengthZeroCa()
    {
        using var pki = new PkiWorkspace();
        pki.InitCa();
        var text = ExternalTool.Succeed("openssl", "x509", "-in", pki.Layout.CaCert, "-noout", "-text");
        Assert.Contains("CA:TRUE, pathlen:0", text);
        Assert.Contains("Certificate Sign, CRL Sign", text);
        Assert.Contains("X509v3 Subject Key Identifier", text);
        Assert.Contains("Subject: O = etcd-forge, CN = etcd-forge test CA", text);
        var serial = ExternalTool.Succeed("openssl", "x509", "-in", pki.Layout.CaCert, "-noout", "-serial").Trim();
        Assert.Equal(32, serial["serial=".Length..].Length);
        ExternalTool.Succeed("openssl", "verify", "-CAfile", pki.Layout.CaCert, pki.Layout.CaCert);
    }

    [Fact]
    public void ServerCertificateNamesLoopbackAndExtraSans()
    {
        using var pki = new PkiWorkspace();
        pki.Configure("ecdsa-p256", new PkiWorkspace.NodeSpec("etcd1", "127.0.0.11", ["etcd1.test.local", "etcd.test.local"], ["198.18.0.7", "lb.test.local"]));
        pki.InitAndIssue();
        var server = Ext(pki.Layout.ServerCert("etcd1"), "subjectAltName");
        foreach (var san in new[] { "IP Address:127.0.0.11", "DNS:etcd1.test.local", "DNS:etcd.test.local", "IP Address:127.0.0.1", "DNS:localhost", "IP Address:198.18.0.7", "DNS:lb.test.local" })
            Assert.Contains(san, server);
        var peer = Ext(pki.Layout.PeerCert("etcd1"), "subjectAltName");
        Assert.Contains("IP Address:127.0.0.11", peer);
        Assert.Contains("DNS:etcd.test.local", peer);
        Assert.DoesNotContain("localhost", peer);
        Assert.DoesNotContain("198.18.0.7", peer);
    }

    private static void AssertIssuedCorrectly(PkiWorkspace pki, string keyText, string signature)
    {
        var layout = pki.Layout;
        Assert.Equal(AtomicFile.PrivateMode, File.GetUnixFileMode(layout.CaKey));
        Assert.Equal(AtomicFile.PublicMode, File.GetUnixFileMode(layout.CaCert));
        Assert.Contains(keyText, ExternalTool.Succeed("openssl", "x509", "-in", layout.CaCert, "-noout", "-text"));
        foreach (var node in pki.Cluster.Nodes)
        {
            foreach (var (cert, key) in new[] { (layout.ServerCert(node.Name), layout.ServerKey(node.Name)), (layout.PeerCert(node.Name), layout.PeerKey(node.Name)) })
            {
                AssertLeaf(layout, cert, key, keyText, signature);
                var text = ExternalTool.Succeed("openssl", "x509", "-in", cert, "-noout", "-text");
                Assert.Contains($"Subject: CN = {node.Name}", text);
                Assert.Contains("TLS Web Server Authentication, TLS Web Client Authentication", text);
                Assert.Contains($"IP Address:{node.Address}", text);
                Assert.Contains($"DNS:{node.Hostnames[0]}", text);
            }
        }
        AssertLeaf(layout, layout.ClientCert("client"), layout.ClientKey("client"), keyText, signature);
        var client = ExternalTool.Succeed("openssl", "x509", "-in", layout.ClientCert("client"), "-noout", "-text");
        Assert.Contains("Subject: CN = root", client);
        Assert.Contains("TLS Web Client Authentication", client);
        Assert.DoesNotContain("TLS Web Server Authentication", client);
        using var loaded = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(layout.ClientCert("client"), layout.ClientKey("client"));
        Assert.True(loaded.HasPrivateKey);
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(layout.CaCert);
        Assert.Equal(ca.Subject, loaded.Issuer);
    }

    private static void AssertLeaf(ArtifactLayout layout, string cert, string key, string keyText, string signature)
    {
        Assert.Equal($"{cert}: OK", ExternalTool.Succeed("openssl", "verify", "-CAfile", layout.CaCert, cert).Trim());
        Assert.Equal(AtomicFile.PrivateMode, File.GetUnixFileMode(key));
        Assert.Equal(AtomicFile.PublicMode, File.GetUnixFileMode(cert));
        var text = ExternalTool.Succeed("openssl", "x509", "-in", cert, "-noout", "-text");
        Assert.Contains(keyText, text);
        Assert.Contains($"Signature Algorithm: {signature}", text);
        Assert.Contains("Authority Key Identifier", text);
        Assert.Contains("Subject Key Identifier", text);
        Assert.Contains("Digital Signature", text);
        // The key file really is the certificate's key.
        Assert.Equal(
            ExternalTool.Succeed("openssl", "x509", "-in", cert, "-noout", "-pubkey"),
            ExternalTool.Succeed("openssl", "pkey", "-in", key, "-pubout"));
        using var dotnet = X509Certificate2.CreateFromPemFile(cert, key);
        Assert.True(dotnet.HasPrivateKey);
    }

    private static string Ext(string cert, string extension) =>
        ExternalTool.Succeed("openssl", "x509", "-in", cert, "-noout", "-ext", extension);
}
