using EtcdForge.Pki;

namespace EtcdForge.Tests.Pki;

// A re-run must leave fitting certificates alone and replace exactly the ones that drifted, saying why.
public sealed class ReissueTests
{
    [Fact]
    public void SecondRunChangesNothingAndRewritesNothing()
    {
        using var pki = new PkiWorkspace();
        Assert.Equal(6, pki.InitAndIssue().Count);
        var before = pki.Mtimes();
        var bytes = pki.PkiFiles.ToDictionary(f => f, File.ReadAllBytes);

        Assert.Empty(pki.InitAndIssue());

        Assert.Equal(before, pki.Mtimes());
        Assert.All(pki.PkiFiles, f => Assert.Equal(bytes[f], File.ReadAllBytes(f)));
    }

    [Fact]
    public void ChangedHostnamesReissueOnlyThatNodesCertificates()
    {
        using var pki = new PkiWorkspace();
        pki.InitAndIssue();
        var before = pki.Mtimes();
        var etcd1 = File.ReadAllBytes(pki.Layout.ServerCert("etcd1"));

        pki.Configure("ecdsa-p256",
            new PkiWorkspace.NodeSpec("etcd1", "127.0.0.11", ["etcd1.test.local"]),
            new PkiWorkspace.NodeSpec("etcd2", "127.0.0.12", ["new.test.local"]));
        var changes = pki.IssueCerts();

        Assert.Equal(["etcd2.pem reissued", "etcd2-peer.pem reissued"], changes.Select(c => c.What));
        Assert.All(changes, c => Assert.Contains("SANs differ: +new.test.local -etcd2.test.local", c.Reason));
        Assert.Equal(etcd1, File.ReadAllBytes(pki.Layout.ServerCert("etcd1")));
        var untouched = before.Keys.Where(f => !Path.GetFileName(f).StartsWith("etcd2"));
        Assert.All(untouched, f => Assert.Equal(before[f], File.GetLastWriteTimeUtc(f)));
        Assert.Contains("DNS:new.test.local", ExternalTool.Succeed("openssl", "x509", "-in", pki.Layout.ServerCert("etcd2"), "-noout", "-ext", "subjectAltName"));
        ExternalTool.Succeed("openssl", "verify", "-CAfile", pki.Layout.CaCert, pki.Layout.ServerCert("etcd2"), pki.Layout.PeerCert("etcd2"));
    }

    [Fact]
    public void CertificatesWithinRenewBeforeAreReissued()
    {
        using var pki = new PkiWorkspace(nodeCount: 1);
        var issuedAt = DateTimeOffset.UtcNow;
        pki.InitAndIssue(new FixedClock(issuedAt));
        var validity = pki.Cluster.Pki.Server.Validity;
        var renewBefore = pki.Cluster.Pki.RenewBefore;

        Assert.Empty(pki.IssueCerts(new FixedClock(issuedAt + validity - renewBefore - TimeSpan.FromDays(1))));

        var changes = pki.IssueCerts(new FixedClock(issuedAt + validity - renewBefore + TimeSpan.FromDays(1)));
        Assert.Equal(["etcd1.pem reissued", "etcd1-peer.pem reissued", "client.pem reissued"], changes.Select(c => c.What));
        Assert.All(changes, c => Assert.Contains("within renewBefore", c.Reason));
    }

    // RenewCerts --force: every leaf now, with a new serial and key; the CA stays.
    [Fact]
    public void ForcedRenewalReissuesEveryLeafThatStillFits()
    {
        using var pki = new PkiWorkspace(nodeCount: 1);
        pki.InitAndIssue();
        var ca = File.ReadAllBytes(pki.Layout.CaCert);
        var serial = ExternalTool.Succeed("openssl", "x509", "-in", pki.Layout.ServerCert("etcd1"), "-noout", "-serial");
        var key = File.ReadAllBytes(pki.Layout.ServerKey("etcd1"));

        var changes = pki.IssueCerts(renewAll: true);

        Assert.Equal(["etcd1.pem reissued", "etcd1-peer.pem reissued", "client.pem reissued"], changes.Select(c => c.What));
        Assert.All(changes, c => Assert.Equal("renewal forced (--force)", c.Reason));
        Assert.NotEqual(serial, ExternalTool.Succeed("openssl", "x509", "-in", pki.Layout.ServerCert("etcd1"), "-noout", "-serial"));
        Assert.NotEqual(key, File.ReadAllBytes(pki.Layout.ServerKey("etcd1")));
        Assert.Equal(ca, File.ReadAllBytes(pki.Layout.CaCert));
        Assert.Empty(pki.IssueCerts());
    }

    [Fact]
    public void MissingOrForeignKeyFileCausesReissue()
    {
        using var pki = new PkiWorkspace(nodeCount: 1);
        pki.InitAndIssue();
        File.Delete(pki.Layout.ServerKey("etcd1"));
        File.Copy(pki.Layout.ClientKey("client"), pki.Layout.PeerKey("etcd1"), overwrite: true);

        var changes = pki.IssueCerts().ToDictionary(c => c.What, c => c.Reason);

        Assert.Equal(2, changes.Count);
        Assert.Contains("etcd1-key.pem missing", changes["etcd1.pem reissued"]);
        Assert.Contains("etcd1-peer-key.pem does not match", changes["etcd1-peer.pem reissued"]);
        Assert.Empty(pki.IssueCerts());
    }

    [Fact]
    public void ChangedKeyAlgorithmReissuesEverythingButKeepsTheCa()
    {
        using var pki = new PkiWorkspace(nodeCount: 1);
        pki.InitAndIssue();
        var ca = File.ReadAllBytes(pki.Layout.CaCert);

        pki.Configure("ecdsa-p384", new PkiWorkspace.NodeSpec("etcd1", "127.0.0.11", ["etcd1.test.local"]));
        var init = pki.InitCa();
        var changes = pki.IssueCerts();

        Assert.Empty(init.Changes);
        Assert.Contains(init.Warnings, w => w.Contains("uses ecdsa-p256") && w.Contains("ecdsa-p384"));
        Assert.Equal(ca, File.ReadAllBytes(pki.Layout.CaCert));
        Assert.Equal(3, changes.Count);
        Assert.All(changes, c => Assert.Contains("key algorithm differs: ecdsa-p256 -> ecdsa-p384", c.Reason));
        var text = ExternalTool.Succeed("openssl", "x509", "-in", pki.Layout.ServerCert("etcd1"), "-noout", "-text");
        Assert.Contains("NIST CURVE: P-384", text);
        // Signed by the kept P-256 CA, so with its hash.
        Assert.Contains("Signature Algorithm: ecdsa-with-SHA256", text);
        ExternalTool.Succeed("openssl", "verify", "-CAfile", pki.Layout.CaCert, pki.Layout.ServerCert("etcd1"));
    }

    [Fact]
    public void CertificatesFromAnotherCaAreReissued()
    {
        using var pki = new PkiWorkspace(nodeCount: 1);
        pki.InitAndIssue();
        File.Delete(pki.Layout.CaCert);
        File.Delete(pki.Layout.CaKey);
        pki.InitCa();

        var changes = pki.IssueCerts();

        Assert.Equal(3, changes.Count);
        Assert.All(changes, c => Assert.Equal("not signed by the current CA", c.Reason));
        ExternalTool.Succeed("openssl", "verify", "-CAfile", pki.Layout.CaCert, pki.Layout.ServerCert("etcd1"), pki.Layout.ClientCert("client"));
    }

    [Fact]
    public void LooseKeyModeIsTightened()
    {
        using var pki = new PkiWorkspace(nodeCount: 1);
        pki.InitAndIssue();
        File.SetUnixFileMode(pki.Layout.ClientKey("client"), Artifacts.AtomicFile.PublicMode);

        var change = Assert.Single(pki.IssueCerts());

        Assert.Equal("client-key.pem mode set to 0600", change.What);
        Assert.Equal(Artifacts.AtomicFile.PrivateMode, File.GetUnixFileMode(pki.Layout.ClientKey("client")));
    }
}
