namespace EtcdForge.Tests.Support;

// Where a cluster's artifacts dir keeps what the tests read from outside: the CA and the client certificate
// (for Debian's etcdctl, curl, openssl), the reports, and a local member's node dir.
public sealed record ClusterFiles(string ClusterDir)
{
    public string Pki => Path.Combine(ClusterDir, "pki");
    public string CaCert => Path.Combine(Pki, "etcd-root-ca.pem");
    public string ClientCert => Path.Combine(Pki, "client.pem");
    public string ClientKey => Path.Combine(Pki, "client-key.pem");
    public string Reports => Path.Combine(ClusterDir, "reports");
    public string Report(string name) => Path.Combine(Reports, name);
    public string NodeDir(string node) => Path.Combine(ClusterDir, "nodes", node);

    /// <summary>etcdctl's TLS flags for the client certificate.</summary>
    public string[] EtcdctlTls => ["--cacert=" + CaCert, "--cert=" + ClientCert, "--key=" + ClientKey];

    /// <summary>Debian's etcdctl (3.4; it speaks to 3.5 members too) with the client certificate, against these
    /// endpoints unless the args name --endpoints.</summary>
    public ToolResult Etcdctl(IEnumerable<string> endpoints, params string[] args) => EtcdctlOf("/usr/bin/etcdctl", endpoints, args);

    /// <summary>The value of a key as Debian's etcdctl reads it ("" when there is none); a failing etcdctl fails the test.</summary>
    public string ValueOf(IEnumerable<string> endpoints, string key)
    {
        var get = Etcdctl(endpoints, "get", key, "--print-value-only");
        Assert.True(get.ExitCode == 0, get.ToString());
        return get.Stdout.Trim();
    }

    /// <summary>The same with another etcdctl binary, e.g. a 3.5 release's.</summary>
    public ToolResult EtcdctlOf(string etcdctl, IEnumerable<string> endpoints, params string[] args)
    {
        string[] target = args.Any(a => a.StartsWith("--endpoints=", StringComparison.Ordinal)) ? [] : ["--endpoints=" + string.Join(',', endpoints)];
        return ExternalTool.Run(etcdctl, [.. target, .. EtcdctlTls, "--command-timeout=20s", .. args]);
    }
}
