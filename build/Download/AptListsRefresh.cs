namespace EtcdForge.Download;

// How the distribution fallback refreshes apt's package lists when they do not list etcd (a fresh machine where
// `apt-get update` never ran): directly as root, through `sudo -n` otherwise (never a password prompt in the
// middle of a build). sudo drops the environment, so an APT_CONFIG this process runs under is passed on with -c.
public static class AptListsRefresh
{
    public sealed record Command(string Program, IReadOnlyList<string> Arguments)
    {
        public override string ToString() => string.Join(' ', [Program, .. Arguments]);
    }

    public static Command For(bool isRoot, string? aptConfig)
    {
        string[] update = ["-q", "update"];
        if (isRoot) return new Command("apt-get", update);
        string[] config = string.IsNullOrEmpty(aptConfig) ? [] : ["-c", aptConfig];
        return new Command("sudo", ["-n", "apt-get", .. config, .. update]);
    }

    public static string CannotRefresh(string package, string why) =>
        $"apt's package lists do not list {package}, and refreshing them needs root ({why}): " +
        "run `apt-get update` as root (or `sudo apt-get update`) and try again, or set etcd.archive";
}
