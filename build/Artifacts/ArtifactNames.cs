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
        const string pki = "pki/", bundles = "bundles/";
        var clientBundle = $"{bundles}{Path.GetFileName(layout.ClientBundle)}:";
        IEnumerable<Claim> Owned(string owner, Named? by, params (string Dir, string Path, string What)[] files) =>
            files.Select(f => new Claim(f.Dir, Path.GetFileName(f.Path), owner, f.What, by));
        (string, string, string)[] Leaves(string dir, string serverCert, string serverKey, string peerCert, string peerKey) =>
            [(dir, serverCert, "server certificate"), (dir, serverKey, "server key"), (dir, peerCert, "peer certificate"), (dir, peerKey, "peer key")];

        var always = Owned("the CA", null, (pki, layout.CaCert, "certificate"), (pki, layout.CaKey, "private key"))
            .Concat(Owned("the client bundle", null, (bundles, layout.ClientBundle, "file")))
            .Concat(Owned("the CA", null, (clientBundle, SslFiles.CaFileName, "certificate")));
        var ofNodes = nodes.SelectMany(named =>
        {
            var (name, owner) = (named.Name, $"node '{named.Name}'");
            // Inside the node's own bundle and ssl directory, its files sit next to the CA certificate.
            var ssl = new SslFiles("ssl", name);
            var dir = $"{bundles}{Path.GetFileName(layout.NodeBundle(name))}:ssl/";
            return Owned(owner, named, [.. Leaves(pki, layout.ServerCert(name), layout.ServerKey(name), layout.PeerCert(name), layout.PeerKey(name)),
                    (bundles, layout.NodeBundle(name), "bundle")])
                .Concat(Owned("the CA", null, (dir, SslFiles.CaFileName, "certificate")))
                .Concat(Owned(owner, named, Leaves(dir, ssl.ServerCert, ssl.ServerKey, ssl.PeerCert, ssl.PeerKey)));
        });
        var ofClients = clients.SelectMany(named => Owned($"client '{named.Name}'", named,
            (pki, layout.ClientCert(named.Name), "certificate"), (pki, layout.ClientKey(named.Name), "key"),
            (clientBundle, layout.ClientCert(named.Name), "certificate"), (clientBundle, layout.ClientKey(named.Name), "key")));
        return always.Concat(ofNodes).Concat(ofClients);
    }
}
