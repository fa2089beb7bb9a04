using EtcdForge.Remote;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Remote;
using EtcdForge.Tests.Support;

namespace EtcdForge.Tests.Security;

// A cluster on the SSH test hosts built from nothing with a passphrase-protected SSH key, the passphrase given
// the documented way (ETCD_FORGE_SSH_KEY_PASSPHRASE). The key is the harness's id_ed25519_encrypted re-encrypted
// with a passphrase that appears nowhere else: the harness's "forge" is part of "etcd-forge", so output could never
// be searched for it. Every run's output is kept for the secrets scan.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecurityCluster : TestHostCluster
{
    private readonly EncryptedKey _key;

    public SecurityCluster() : this(EncryptedKey.Create()) { }

    private SecurityCluster(EncryptedKey key)
        : base("security", key.Path, new Dictionary<string, string?> { [SshOptions.PassphraseVariable] = key.Passphrase })
    {
        _key = key;
        FirstRun = Forge("--target=Verify");
        // The same build at the most talkative level must not leak either (it converges, so it is quick).
        DiagnosticRun = Forge("--target=Verify", "--verbosity=diagnostic");
        WrongPassphraseRun = ForgeWith(new Dictionary<string, string?> { [SshOptions.PassphraseVariable] = WrongPassphrase }, "--target=DeployNodes");
    }

    public string KeyFile => _key.Path;
    public string Passphrase => _key.Passphrase;
    public string WrongPassphrase { get; } = "Wr0ng-" + Guid.NewGuid().ToString("N");

    /// <summary>The SSH key decrypted (a copy made with ssh-keygen), to search output for its body as well.</summary>
    public string DecryptedKey => _key.Decrypted;

    public ForgeResult FirstRun { get; }
    public ForgeResult DiagnosticRun { get; }
    public ForgeResult WrongPassphraseRun { get; }

    public IEnumerable<ForgeResult> Runs => [FirstRun, DiagnosticRun, WrongPassphraseRun];

    public override void Dispose()
    {
        try
        {
            base.Dispose();
        }
        finally
        {
            _key.Dispose();
        }
    }

    private sealed class EncryptedKey : IDisposable
    {
        private readonly TempDir _dir = new();

        public string Path => _dir.Combine("id_ed25519_encrypted");
        public string Passphrase { get; } = "Pp-" + Guid.NewGuid().ToString("N");
        public string Decrypted { get; private set; } = "";

        public static EncryptedKey Create()
        {
            var key = new EncryptedKey();
            File.Copy(TestHosts.Key("id_ed25519_encrypted"), key.Path);
            File.SetUnixFileMode(key.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            ExternalTool.Succeed("ssh-keygen", "-q", "-p", "-P", "forge", "-N", key.Passphrase, "-f", key.Path);
            var plain = key._dir.Combine("decrypted");
            File.Copy(key.Path, plain);
            File.SetUnixFileMode(plain, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            ExternalTool.Succeed("ssh-keygen", "-q", "-p", "-P", key.Passphrase, "-N", "", "-f", plain);
            key.Decrypted = File.ReadAllText(plain);
            File.Delete(plain);
            return key;
        }

        public void Dispose() => _dir.Dispose();
    }
}
