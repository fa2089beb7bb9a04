using EtcdForge.Tests.Download;

namespace EtcdForge.Tests.BadInput;

// A damaged CA in a packaged artifacts dir, through the real host: one error line naming the file and what
// to do; not a byte under artifacts changes (no second CA, no reissued certificate); and once the CA's own
// files are back, the same command succeeds and changes nothing.
public sealed class PkiCorpusTests(PackagedArtifacts prepared) : IClassFixture<PackagedArtifacts>, IDisposable
{
    private readonly TempDir _aside = new();

    public sealed record Damage(string Name, string File, string Target, string[] Says, string Do)
    {
        // Writes the damaged content; null: the file is just gone.
        public Func<PackagedArtifacts, byte[]?> Content { get; init; } = _ => null;
        public override string ToString() => Name;
    }

    private static readonly Damage[] Cases =
    [
        new("CA key from another CA", "etcd-root-ca-key.pem", "Package", ["{key} does not match {cert}"], "restore the CA's own key")
        {
            Content = p => File.ReadAllBytes(p.OtherCaKey),
        },
        new("CA key of another algorithm", "etcd-root-ca-key.pem", "Package", ["{key} does not match {cert}"], "restore the CA's own key")
        {
            Content = _ => System.Text.Encoding.ASCII.GetBytes(System.Security.Cryptography.RSA.Create(2048).ExportPkcs8PrivateKeyPem()),
        },
        new("IssueCerts alone with another CA's key", "etcd-root-ca-key.pem", "IssueCerts", ["{key} does not match {cert}"], "restore the CA's own key")
        {
            Content = p => File.ReadAllBytes(p.OtherCaKey),
        },
        new("CA certificate cut short", "etcd-root-ca.pem", "Package", ["{cert}"], "repair or restore it")
        {
            Content = p => p.Original("etcd-root-ca.pem")[..200],
        },
        new("CA key missing", "etcd-root-ca-key.pem", "Package", ["{cert} exists but its key {key} is missing"], "restore the key"),
        new("CA certificate missing", "etcd-root-ca.pem", "Package", ["{key} exists without its certificate {cert}"],
            "refusing to create a new CA over it"),
    ];

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Damaged_ca_is_refused_and_nothing_changes(string name)
    {
        var damage = Cases.Single(c => c.Name == name);
        var artifacts = prepared.Built;
        var original = DirSnapshot.Of(artifacts);
        var file = Path.Combine(prepared.Pki, damage.File);
        var saved = _aside.Combine(damage.File);
        File.Move(file, saved); // a rename keeps the mtime, so putting it back restores the exact original
        try
        {
            if (damage.Content(prepared) is { } content) File.WriteAllBytes(file, content);
            var broken = DirSnapshot.Of(artifacts);

            var args = damage.Target == "IssueCerts" ? new[] { "--target=IssueCerts", "--exclusive" } : ["--target=Package"];
            var run = ForgeProcess.Run([.. args, $"--config={prepared.Config}", $"--artifacts={artifacts}"]);

            var error = ErrorContract.OneLine(run);
            ErrorContract.Says(error, run, [.. damage.Says.Select(s => s.Replace("{key}", prepared.CaKey).Replace("{cert}", prepared.CaCert)), damage.Do]);
            Assert.Empty(broken.Differences(DirSnapshot.Of(artifacts)));
        }
        finally
        {
            File.Delete(file);
            File.Move(saved, file);
        }

        var rerun = ForgeProcess.Run("--target=Package", $"--config={prepared.Config}", $"--artifacts={artifacts}");
        Assert.True(rerun.ExitCode == 0, "with the CA restored the run should succeed:\n" + rerun);
        Assert.Empty(original.Differences(DirSnapshot.Of(artifacts)));
    }

    public void Dispose() => _aside.Dispose();
}

// One --target=Package run of a three-member local description (127.0.2.11-13, never started) from a local
// release archive, and a second, unrelated CA to take a key from.
public sealed class PackagedArtifacts : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ForgeResult _package;
    private readonly ForgeResult _otherCa;
    private readonly Dictionary<string, byte[]> _originals = new();

    public PackagedArtifacts()
    {
        var archive = _dir.Combine(ReleaseArchives.Name);
        File.WriteAllBytes(archive, ReleaseArchives.Release);
        Config = _dir.File("cluster.yaml", Description("badinput", archive, ReleaseArchives.Sha256(ReleaseArchives.Release)));
        _package = ForgeProcess.Run("--target=Package", $"--config={Config}", $"--artifacts={Root}");
        var other = _dir.File("other.yaml", Description("otherca", archive, null));
        _otherCa = ForgeProcess.Run("--target=InitCa", "--exclusive", $"--config={other}", $"--artifacts={_dir.Combine("other")}");
        foreach (var file in Directory.Exists(Pki) ? Directory.GetFiles(Pki) : []) _originals[Path.GetFileName(file)] = File.ReadAllBytes(file);
    }

    public string Config { get; }
    public string Root => _dir.Combine("artifacts");
    public string Pki => Path.Combine(Root, "badinput", "pki");
    public string CaCert => Path.Combine(Pki, "etcd-root-ca.pem");
    public string CaKey => Path.Combine(Pki, "etcd-root-ca-key.pem");
    public string OtherCaKey => Path.Combine(_dir.Combine("other"), "otherca", "pki", "etcd-root-ca-key.pem");

    public string Built
    {
        get
        {
            Assert.True(_package.ExitCode == 0, "preparing artifacts failed:\n" + _package);
            Assert.True(_otherCa.ExitCode == 0, "making the other CA failed:\n" + _otherCa);
            return Root;
        }
    }

    public byte[] Original(string pkiFile) => _originals[pkiFile];

    private static string Description(string name, string archive, string? sha256) => $"""
        cluster:
          name: {name}
        etcd:
          version: {ReleaseArchives.Version}
          archive: {archive}
          sha256: {sha256 ?? "null"}
        nodes:
          - name: etcd1
            address: 127.0.2.11
            connection: {"{ type: local }"}
          - name: etcd2
            address: 127.0.2.12
            connection: {"{ type: local }"}
          - name: etcd3
            address: 127.0.2.13
            connection: {"{ type: local }"}

        """;

    public void Dispose() => _dir.Dispose();
}
