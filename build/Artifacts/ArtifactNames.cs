namespace EtcdForge.Artifacts;

// Every file that a node or client name turns into, next to the files that are always there (the CA's), grouped
// by the directory they share. Names decide file names, so two names can decide the same file: a client named
// "etcd-root-ca-key" would overwrite the CA's key, a node named "etcd1-peer" another node's peer certificate.
// Validation asks this class, which reads the names from ArtifactLayout, the bundle builders and SslFiles
// themselves, so a new file cannot be forgotten here.
public static class ArtifactNames
{
    // artifacts/cache/ holds the downloads every cluster shares; a cluster of that name would share its directory.
    public const string SharedDir = "cache";

    /// <param name="Owner">who writes the file, for the message: "the CA", "node 'etcd1'".</param>
    /// <param name="By">the name that decides the file and where it is set; null for files that are always there.</param>
    public sealed record Claim(string Dir, string File, string Owner, string What, Named? By);

    public sealed record Named(string Name, string Field);

    /// <returns>for each name that would write a file another owner writes too, the first such clash.</returns>
    public static IReadOnlyList<(Claim Clash, Claim With)> Clashes(IReadOnlyList<Named> nodes, IReadOnlyList<Named> clients)
    {
        var clashes = new List<(Claim, Claim)>();
        var reported = new HashSet<string>();
        // Case-insensitive: on a case-insensitive file system (a Mac's) "Etcd1.pem" is "etcd1.pem".
        foreach (var group in Claims(nodes, clients).GroupBy(c => (c.Dir, c.File.ToLowerInvariant())))
        {
            var first = group.First();
            foreach (var later in group.Skip(1))
            {
                // The same name twice is a duplicate, reported as such by validation; one line per clashing pair.
                if (later.Owner == first.Owner || later.By is null || reported.Contains(later.By.Field)
                    || first.By is not null && reported.Contains(first.By.Field)) continue;
                reported.Add(later.By.Field);
                clashes.Add((later, first));
            }
        }
        return clashes;
    }

    // In order of precedence: the files that are always there, then nodes, then clients, each in description order.
    private static IEnumerable<Claim> Claims(IReadOnlyList<Named> nodes, IReadOnlyList<Named> clients)
    {
        var layout = new ArtifactLayout("/", "cluster");
        string F(string path) => Path.GetFileName(path);
        const string pki = "pki/", bundles = "bundles/";
        var clientBundle = $"{bundles}{F(layout.ClientBundle)}:";
        yield return new Claim(pki, F(layout.CaCert), "the CA", "certificate", null);
        yield return new Claim(pki, F(layout.CaKey), "the CA", "private key", null);
        yield return new Claim(bundles, F(layout.ClientBundle), "the client bundle", "file", null);
        yield return new Claim(clientBundle, SslFiles.CaFileName, "the CA", "certificate", null);
        foreach (var named in nodes)
        {
            var (name, owner) = (named.Name, $"node '{named.Name}'");
            yield return new Claim(pki, F(layout.ServerCert(name)), owner, "server certificate", named);
            yield return new Claim(pki, F(layout.ServerKey(name)), owner, "server key", named);
            yield return new Claim(pki, F(layout.PeerCert(name)), owner, "peer certificate", named);
            yield return new Claim(pki, F(layout.PeerKey(name)), owner, "peer key", named);
            yield return new Claim(bundles, F(layout.NodeBundle(name)), owner, "bundle", named);
            // Inside the node's own bundle and ssl directory, its files sit next to the CA certificate.
            var ssl = new SslFiles("ssl", name);
            var dir = $"{bundles}{F(layout.NodeBundle(name))}:ssl/";
            yield return new Claim(dir, SslFiles.CaFileName, "the CA", "certificate", null);
            foreach (var (file, what) in new[] { (ssl.ServerCert, "server certificate"), (ssl.ServerKey, "server key"), (ssl.PeerCert, "peer certificate"), (ssl.PeerKey, "peer key") })
                yield return new Claim(dir, F(file), owner, what, named);
        }
        foreach (var named in clients)
        {
            var (name, owner) = (named.Name, $"client '{named.Name}'");
            yield return new Claim(pki, F(layout.ClientCert(name)), owner, "certificate", named);
            yield return new Claim(pki, F(layout.ClientKey(name)), owner, "key", named);
            yield return new Claim(clientBundle, F(layout.ClientCert(name)), owner, "certificate", named);
            yield return new Claim(clientBundle, F(layout.ClientKey(name)), owner, "key", named);
        }
    }
}
