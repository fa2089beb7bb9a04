using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.Reporting;

namespace EtcdForge.Download;

// Unpacks a package into etcdDir/<reported version>/bin. Unpacking happens in a staging directory that
// is renamed into place only after etcd ran and told its version, so a failed run leaves no half-filled bin.
public sealed class EtcdInstaller(ArtifactLayout layout)
{
    public async Task<EtcdBinaries> InstallAsync(EtcdPackage package, EtcdVersion requested, ChangeSummary summary)
    {
        if (AlreadyInstalled(package, requested) is { } existing)
        {
            summary.Unchanged(existing.BinDir);
            return existing with { RequestedVersion = requested.ToString(), Origin = package.Origin };
        }

        var staging = TempFiles.Dir(layout.EtcdDir, "staging");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        try
        {
            var stagedBin = Path.Combine(staging, "bin");
            string version;
            try
            {
                await package.UnpackIntoAsync(stagedBin);
                version = await EtcdVersionProbe.ReadAsync(Path.Combine(stagedBin, "etcd"));
                // The configured version was checked; what an archive or mirror actually holds was not.
                if (!EtcdVersion.TryParse(version, out var reported) || !reported.IsSupported)
                {
                    throw new ForgeError($"{package.Origin} holds etcd {version}, which is not supported; " +
                        $"use a release of {EtcdVersion.SupportedRange} (etcd.version {requested})");
                }
                if (reported != requested && !package.MayHoldAnotherVersion)
                {
                    throw new ForgeError($"{package.Origin} holds etcd {version}, but etcd.version is {requested}; " +
                        $"use the etcd {requested} release archive, or set etcd.version: {version}");
                }
            }
            catch (ForgeError)
            {
                package.Discard();
                throw;
            }
            var target = Path.Combine(layout.EtcdDir, version);
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(staging, target);
            var bin = Path.Combine(target, "bin");
            summary.Record($"unpacked etcd {version} into {bin}", $"{package.Source}: {package.Origin}");
            return new EtcdBinaries(version, requested.ToString(), package.Source, package.Origin, package.Sha256, bin);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private EtcdBinaries? AlreadyInstalled(EtcdPackage package, EtcdVersion requested) =>
        EtcdBinaries.TryLoad(layout) is { } record
        && record.ArchiveSha256 == package.Sha256 && record.Source == package.Source && record.ParsedVersion.IsSupported
        && (package.MayHoldAnotherVersion || record.ParsedVersion == requested)
        && File.Exists(record.Etcdctl) && record.BinDir.StartsWith(layout.EtcdDir + Path.DirectorySeparatorChar)
            ? record
            : null;
}
