using EtcdForge.Remote;
using EtcdForge.Tests.Pki;
using EtcdForge.Tests.Remote;

namespace EtcdForge.Tests.Security;

// A cluster on the SSH test hosts built from nothing with a passphrase-protected SSH key, the passphrase given
// the documented way (ETCD_FORGE_SSH_KEY_PASSPHRASE). The key is the harness's id_ed25519_encrypted re-encrypted
// with a passphrase that appears nowhere else: the harness's "forge" is part of "etcd-forge", so output could never
// be searched for it. Every run's output is kept for the secrets scan.
public sealed class SecurityCluster : TestHostCluster
{
    private readonly EncryptedKey _key;
    private readonly Lazy<ForgeResult> _firstRun;
    private readonly Lazy<ForgeResult> _diagnosticRun;
    private readonly Lazy<ForgeResult> _wrongPassphraseRun;

    public SecurityCluster() : this(new EncryptedKey()) { }

    // The runs happen when a test first asks for them (in order), not when xunit makes the fixture: where the
    // test hosts cannot run, the tests are skipped and nothing is built.
    private SecurityCluster(EncryptedKey key)
        : base("security", key.Path, new Dictionary<string, string?> { [SshOptions.PassphraseVariable] = key.Passphrase })
    {
        _key = key;
        _firstRun = new(() =>
        {
            _key.Create();
            return Forge("--target=Verify");
        });
        // The same build at the most talkative level must not leak either (it converges, so it is quick).
        _diagnosticRun = new(() => { _ = FirstRun; return Forge("--target=Verify", "--verbosity=diagnostic"); });
        _wrongPassphraseRun = new(() =>
        {
            _ = DiagnosticRun;
            return ForgeWith(new Dictionary<string, string?> { [SshOptions.PassphraseVariable] = WrongPassphrase }, "--target=DeployNodes");
        });
    }

    public string KeyFile => _key.Path;
    public string Passphrase => _key.Passphrase;
    public string WrongPassphrase { get; } = "Wr0ng-" + Guid.NewGuid().ToString("N");

    /// <summary>The SSH key decrypted (a copy made with ssh-keygen), to search output for its body as well.</summary>
    public string DecryptedKey
    {
        get
        {
            _ = FirstRun; // makes the key
            return _key.Decrypted;
        }
    }

    public ForgeResult FirstRun => _firstRun.Value;
    public ForgeResult DiagnosticRun => _diagnosticRun.Value;
    public ForgeResult WrongPassphraseRun => _wrongPassphraseRun.Value;

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

        public void Create()
        {
            File.Copy(TestHosts.Key("id_ed25519_encrypted"), Path);
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            ExternalTool.Succeed("ssh-keygen", "-q", "-p", "-P", "forge", "-N", Passphrase, "-f", Path);
            var plain = _dir.Combine("decrypted");
            File.Copy(Path, plain);
            File.SetUnixFileMode(plain, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            ExternalTool.Succeed("ssh-keygen", "-q", "-p", "-P", Passphrase, "-N", "", "-f", plain);
            Decrypted = File.ReadAllText(plain);
            File.Delete(plain);
        }

        public void Dispose() => _dir.Dispose();
    }
}
