using EtcdForge.Configuration;

namespace EtcdForge.CommandLine;

// etcd-forge's part of --help and --version; the host adds its own options, the targets and the version and commit.
public sealed class ForgeCommandLine : IBuildCommandLine
{
    public string Usage => "./build.sh --target=NAME [--option=value ...]   (build.ps1 takes the same arguments)";

    public IReadOnlyList<OptionHelp> Options => ForgeOptions.Meanings;

    public IReadOnlyList<string> Notes =>
    [
        "",
        "Relative paths in options are taken from the directory you ran build.sh from; relative paths inside the",
        "description (etcd.archive, connection.keyFile, connection.knownHosts) from the description's directory.",
        "",
        "Exit codes:",
        "  0  success (with Plan --detailed-exitcode: nothing to change)",
        "  1  a mistake in the options, the description, the artifacts or on a node; one line says what to fix",
        "  2  Plan --detailed-exitcode only: changes are pending",
        "  3  an internal error: a bug in etcd-forge; please report it with the output of --verbosity=diagnostic",
    ];

    public IReadOnlyList<string> VersionDetails => [$"supported etcd: {EtcdVersion.SupportStatement}"];
}
