namespace EtcdForge.Tests.BadInput;

// One broken cluster description (or command line): how it is made from the valid base, and what its one
// error line must say. Where: the file and the line it must name (the line whose text is At, in the edited
// file) and the field. What: the fragments in Says. What to do: the fragment in Do.
public sealed record BrokenDescription(string Name)
{
    // The valid starting point: three members on 127.0.2.11-13 (this suite's loopback range; nothing is
    // started), etcd2 reached over SSH with a pinned host key. ConfigCorpusTests proves it valid.
    public const string Base = """
        cluster:
          name: badinput
          token: badinput-token
        etcd:
          version: 3.4.23
          downloadUrl: http://127.0.2.1:9/releases
          clientPort: 2379
          peerPort: 2380
        pki:
          keyAlgorithm: ecdsa-p256
          ca:
            commonName: badinput CA
          certValidity: 8760h
          renewBefore: 720h
          clients:
            - name: client
              commonName: root
        nodes:
          - name: etcd1
            address: 127.0.2.11
            connection: { type: local }
          - name: etcd2
            address: 127.0.2.12
            service: process
            connection: { type: ssh, user: root, keyFile: keys/id_ed25519, hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
          - name: etcd3
            address: 127.0.2.13
            connection: { type: local }

        """;

    public const string Etcd2Connection =
        """    connection: { type: ssh, user: root, keyFile: keys/id_ed25519, hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }""";

    /// <summary>Text replacements applied to <see cref="Base"/>; each find must occur exactly once.</summary>
    public (string Find, string Replace)[] Edits { get; init; } = [];

    /// <summary>The whole file instead of an edited base.</summary>
    public string? Whole { get; init; }

    /// <summary>Other files next to the description (cfssl's ca-csr.json, ca-config.json).</summary>
    public (string Name, string Content)[] Beside { get; init; } = [];

    /// <summary>Directories next to the description where a file is expected (e.g. a ca-csr.json that is a directory).</summary>
    public string[] DirsBeside { get; init; } = [];

    /// <summary>The file the error must name; null: the description itself.</summary>
    public string? InFile { get; init; }

    /// <summary>The exact text of the line the error must name (first match in the file); null with InFile/Line.</summary>
    public string? At { get; init; }

    /// <summary>The line number when At cannot say it (an empty file, a file of another kind).</summary>
    public int? Line { get; init; }

    public string? Field { get; init; }
    public string[] Says { get; init; } = [];
    public required string Do { get; init; }

    /// <summary>Command-line arguments instead of the default --target=Package (for command-line mistakes).</summary>
    public string[]? Args { get; init; }

    /// <summary>The SSH key file is made unreadable to the user running the host.</summary>
    public bool UnreadableKey { get; init; }

    public string Text()
    {
        if (Whole is not null) return Whole;
        var text = Base;
        foreach (var (find, replace) in Edits)
        {
            var first = text.IndexOf(find, StringComparison.Ordinal);
            Assert.True(first >= 0 && text.IndexOf(find, first + 1, StringComparison.Ordinal) < 0,
                $"case {Name}: '{find}' must occur exactly once in the base description");
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }
        return text;
    }

    public override string ToString() => Name;
}
