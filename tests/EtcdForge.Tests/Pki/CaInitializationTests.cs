using EtcdForge.Artifacts;
using EtcdForge.Pki;

namespace EtcdForge.Tests.Pki;

// An existing CA is never replaced behind the user's back.
public sealed class CaInitializationTests
{
    [Fact]
    public void CaWithAForeignKeyIsRefused()
    {
        using var pki = new PkiWorkspace();
        pki.InitCa();
        var ca = File.ReadAllBytes(pki.Layout.CaCert);
        File.WriteAllBytes(pki.Layout.CaKey, PemFiles.Encode(KeyPairs.Generate(EtcdForge.Configuration.KeyAlgorithm.EcdsaP256).Private));

        var error = Assert.Throws<ForgeError>(() => pki.InitCa());

        Assert.Contains("does not match", error.Message);
        Assert.Contains("breaks a running cluster", error.Message);
        Assert.Contains($"delete {pki.Layout.Pki}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(ca, File.ReadAllBytes(pki.Layout.CaCert));
        Assert.Throws<ForgeError>(() => pki.IssueCerts());
    }

    [Fact]
    public void CaWithoutItsKeyIsRefused()
    {
        var (message, pkiDir) = RefusedWithout(layout => layout.CaKey);

        Assert.Contains("is missing", message);
        Assert.Contains($"delete {pkiDir}", message);
    }

    [Fact]
    public void CaKeyWithoutItsCertificateIsRefused() =>
        Assert.Contains("exists without its certificate", RefusedWithout(layout => layout.CaCert).Message);

    // InitCa again after one of the CA's two files was deleted: refused, and the deleted file is not made anew.
    private static (string Message, string PkiDir) RefusedWithout(Func<ArtifactLayout, string> file)
    {
        using var pki = new PkiWorkspace();
        pki.InitCa();
        var deleted = file(pki.Layout);
        File.Delete(deleted);

        var error = Assert.Throws<ForgeError>(() => pki.InitCa());

        Assert.False(File.Exists(deleted));
        return (error.Message, pki.Layout.Pki);
    }

    // A run that died after the CA key got its name but before the certificate did (which InitCa writes in full
    // beforehand, as ".etcd-root-ca.pem.pending"): the next run completes the pair instead of refusing it.
    [Fact]
    public void CaCreationInterruptedBetweenTheTwoRenamesIsCompleted()
    {
        using var pki = new PkiWorkspace();
        pki.InitCa();
        var ca = File.ReadAllBytes(pki.Layout.CaCert);
        var pending = Path.Combine(pki.Layout.Pki, ".etcd-root-ca.pem.pending");
        File.Move(pki.Layout.CaCert, pending);

        var result = pki.InitCa();

        Assert.Equal("completed", Assert.Single(result.Changes).Action);
        Assert.Equal(ca, File.ReadAllBytes(pki.Layout.CaCert));
        Assert.False(File.Exists(pending));
        Assert.Empty(pki.InitCa().Changes);
    }

    // A pending certificate of another key is never completed into a mismatched pair: it is dropped, and the key
    // without its certificate is refused as before.
    [Fact]
    public void PendingCaCertificateOfAnotherKeyIsDropped()
    {
        using var other = new PkiWorkspace();
        other.InitCa();
        using var pki = new PkiWorkspace();
        pki.InitCa();
        File.Delete(pki.Layout.CaCert);
        var pending = Path.Combine(pki.Layout.Pki, ".etcd-root-ca.pem.pending");
        File.Copy(other.Layout.CaCert, pending);

        var error = Assert.Throws<ForgeError>(() => pki.InitCa());

        Assert.Contains("exists without its certificate", error.Message);
        Assert.False(File.Exists(pki.Layout.CaCert));
        Assert.False(File.Exists(pending));
    }

    [Fact]
    public void CaCloseToExpiryIsKeptWithAWarning()
    {
        using var pki = new PkiWorkspace();
        var created = DateTimeOffset.UtcNow;
        pki.InitCa(new FixedClock(created));
        var ca = File.ReadAllBytes(pki.Layout.CaCert);

        var result = pki.InitCa(new FixedClock(created + pki.Cluster.Pki.CaValidity - TimeSpan.FromDays(1)));

        Assert.Empty(result.Changes);
        Assert.Contains(result.Warnings, w => w.Contains("within renewBefore"));
        Assert.Equal(ca, File.ReadAllBytes(pki.Layout.CaCert));
        Assert.Empty(pki.InitCa(new FixedClock(created)).Warnings);
    }
}
