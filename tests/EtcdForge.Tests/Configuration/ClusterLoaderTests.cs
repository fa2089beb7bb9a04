using EtcdForge.Configuration;

namespace EtcdForge.Tests.Configuration;

public sealed class ClusterLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_default_sandbox_config_is_valid()
    {
        var result = ClusterLoader.Load(RepoPaths.Config("cluster.yaml"));
        Assert.Empty(result.Warnings);
        Assert.Equal(["127.0.0.11", "127.0.0.12", "127.0.0.13"], result.Cluster.Nodes.Select(n => n.Address.ToString()));
        Assert.All(result.Cluster.Nodes, n => Assert.Equal(ServiceKind.Process, n.Service));
        Assert.True(result.Cluster.Etcd.DistributionFallback);
    }

    [Fact]
    public void A_valid_config_gets_defaults_for_what_it_leaves_out()
    {
        var cluster = ConfigFixture.Load(_dir, ConfigFixture.Valid).Cluster;
        Assert.Equal(2379, cluster.Etcd.ClientPort);
        Assert.Equal(2380, cluster.Etcd.PeerPort);
        Assert.Equal(TimeSpan.FromHours(8760), cluster.Pki.Server.Validity);
        Assert.Equal(TimeSpan.FromHours(720), cluster.Pki.RenewBefore);
        Assert.True(cluster.Pki.Server.Has("server auth") && cluster.Pki.Server.Has("client auth"));
        Assert.Equal("etcd1=https://127.0.0.11:2380,etcd2=https://127.0.0.12:2380,etcd3=https://127.0.0.13:2380", cluster.InitialCluster);
    }

    [Fact]
    public void A_misspelt_key_is_named_with_its_line_and_a_suggestion()
    {
        var error = ConfigFixture.Fails(_dir, ConfigFixture.Valid.Replace("hostnames: [etcd1.test]", "hostnmes: [etcd1.test]"));
        var problem = Assert.Single(error.Problems);
        Assert.Equal(14, problem.Line);
        Assert.Contains("unknown key 'hostnmes'", problem.Message);
        Assert.Contains("did you mean 'hostnames'", problem.Message);
        Assert.StartsWith(_dir.Combine("cluster.yaml") + ":14: nodes[0].hostnmes", error.Message);
    }

    [Fact]
    public void Duplicate_node_names_are_rejected_at_the_second_one()
    {
        var problem = OneProblem(ConfigFixture.Valid.Replace("name: etcd2", "name: etcd1"), "nodes[1].name", "used twice");
        Assert.Equal(16, problem.Line);
    }

    [Fact]
    public void Duplicate_addresses_name_the_node_that_has_it_already() =>
        OneProblem(ConfigFixture.Valid.Replace("127.0.0.13", "127.0.0.12"), "nodes[2].address", "already used by node 'etcd2'");

    [Theory]
    [InlineData("127.0.0.300")]
    [InlineData("127.1")]
    [InlineData("etcd1.example.com")]
    public void A_bad_ip_address_is_rejected(string address)
    {
        var problem = OneProblem(ConfigFixture.Valid.Replace("127.0.0.11", address), "nodes[0].address", "is not an IPv4 or IPv6 address");
        Assert.Equal(13, problem.Line);
    }

    [Fact]
    public void A_missing_ssh_key_file_is_named_with_the_path_it_resolved_to()
    {
        var yaml = ConfigFixture.Valid.Replace("connection: { type: local }\n  - name: etcd2",
            "connection: { type: ssh, user: root, keyFile: keys/missing, hostKey: \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\" }\n  - name: etcd2");
        OneProblem(yaml, "nodes[0].connection.keyFile", _dir.Combine("keys", "missing"));
    }

    [Fact]
    public void An_even_member_count_is_a_warning_not_an_error()
    {
        var yaml = ConfigFixture.Valid[..ConfigFixture.Valid.IndexOf("  - name: etcd3", StringComparison.Ordinal)];
        var result = ConfigFixture.Load(_dir, yaml);
        var warning = Assert.Single(result.Warnings);
        Assert.True(warning.IsWarning);
        Assert.Contains("odd count", warning.Message);
        Assert.Equal(2, result.Cluster.Nodes.Count);
    }

    // No churn by description: leaves due from the moment they are issued would be reissued by every run.
    [Fact]
    public void A_renewBefore_not_shorter_than_the_validity_is_refused_with_both_values()
    {
        var problem = OneProblem(ConfigFixture.Valid.Replace("pki:\n", "pki:\n  certValidity: 8760h\n  renewBefore: 9000h\n"),
            "pki.renewBefore", "9000h is not shorter than pki.certValidity (8760h): every run would reissue every leaf certificate");
        Assert.Equal(8, problem.Line);
        Assert.Contains("--target=RenewCerts --force", problem.Message);
        OneProblem(ConfigFixture.Valid.Replace("pki:\n", "pki:\n  certValidity: 2h\n  renewBefore: 2h\n"), "pki.renewBefore", "2h is not shorter than pki.certValidity (2h)");
        Assert.Equal(TimeSpan.FromMinutes(119), ConfigFixture.Load(_dir, ConfigFixture.Valid.Replace("pki:\n", "pki:\n  certValidity: 2h\n  renewBefore: 119m\n")).Cluster.Pki.RenewBefore);
    }

    [Fact]
    public void A_leaf_validity_longer_than_the_CAs_is_refused_with_both_values() =>
        OneProblem(ConfigFixture.Valid.Replace("pki:\n", "pki:\n  certValidity: 87601h\n  ca:\n    validity: 87600h\n"),
            "pki.certValidity", "87601h is longer than pki.ca.validity (87600h): a certificate is trusted only while its CA is");

    // cfssl's files are checked by the same rule, each duration blamed where it is written.
    [Fact]
    public void A_cfssl_profile_inside_renewBefore_is_refused_naming_the_profile()
    {
        _dir.File("ca-csr.json", """{ "CN": "Recipe CA", "key": { "algo": "ecdsa", "size": 256 } }""");
        _dir.File("ca-config.json", """
            { "signing": { "default": { "expiry": "8760h" },
              "profiles": { "client": { "expiry": "240h", "usages": ["signing", "key encipherment", "client auth"] } } } }
            """);
        var problem = OneProblem(ConfigFixture.Valid, "pki.renewBefore", "720h is not shorter than ca-config.json signing.profiles.client.expiry (240h)");
        Assert.Equal(_dir.Combine("cluster.yaml"), problem.File);
    }

    [Fact]
    public void Extra_flags_of_the_cluster_and_of_a_node_load_with_their_lines_and_the_node_overrides()
    {
        var yaml = ConfigFixture.Valid
            .Replace("  version: 3.5.21\n", "  version: 3.5.21\n  extraFlags:\n    log-level: debug\n    max-request-bytes: 2097152\n")
            .Replace("    address: 127.0.0.12\n", "    address: 127.0.0.12\n    extraFlags: { log-level: warn, experimental-initial-corrupt-check: true }\n");
        var cluster = ConfigFixture.Load(_dir, yaml).Cluster;

        Assert.Equal([new ExtraFlag("log-level", "debug", "etcd.extraFlags.log-level", 7), new ExtraFlag("max-request-bytes", "2097152", "etcd.extraFlags.max-request-bytes", 8)],
            cluster.Etcd.ExtraFlags);
        Assert.Equal(["log-level=debug", "max-request-bytes=2097152"], cluster.ExtraFlagsOf(cluster.Nodes[0]).Select(f => $"{f.Name}={f.Value}"));
        Assert.Equal(["experimental-initial-corrupt-check=true", "log-level=warn", "max-request-bytes=2097152"],
            cluster.ExtraFlagsOf(cluster.Nodes[1]).Select(f => $"{f.Name}={f.Value}"));
        Assert.Equal("nodes[1].extraFlags.log-level", cluster.ExtraFlagsOf(cluster.Nodes[1]).Single(f => f.Name == "log-level").Field);
    }

    [Theory]
    [InlineData("listen-client-urls: https://10.0.0.1:2379", "etcd.extraFlags.listen-client-urls", "set nodes[].address, etcd.clientPort and etcd.peerPort instead")]
    [InlineData("heartbeat-interval: 200", "etcd.extraFlags.heartbeat-interval", "etcd-forge sets it from etcd.heartbeatIntervalMs; set that field instead")]
    [InlineData("peer-cert-allowed-cn: etcd", "etcd.extraFlags.peer-cert-allowed-cn", "etcd-forge writes every TLS setting itself")]
    [InlineData("wal-dir: /ssd/wal", "etcd.extraFlags.wal-dir", "mount that disk at etcd.dataDir")]
    [InlineData("discovery-srv: example.com", "etcd.extraFlags.discovery-srv", "which discovery would replace")]
    [InlineData("raft-read-timeout: 5s", "etcd.extraFlags.raft-read-timeout", "etcd reads it only from its command line")]
    [InlineData("--log-level: debug", "etcd.extraFlags.--log-level", "write the flag without its leading dashes: log-level")]
    [InlineData("logLevel: debug", "etcd.extraFlags.logLevel", "etcd spells its flags in lower case with dashes, e.g. log-level")]
    [InlineData("auto-compaction-mode: daily", "etcd.extraFlags.auto-compaction-mode", "'daily' is not periodic or revision")]
    [InlineData("auto-compaction-mode: revision", "etcd.extraFlags.auto-compaction-mode", "revision keeps a number of revisions, but etcd.autoCompactionRetention is '1h'")]
    public void An_extra_flag_that_etcd_forge_owns_or_cannot_write_is_refused_at_load(string entry, string field, string message)
    {
        var retention = entry.Contains("revision") ? "  autoCompactionRetention: \"1h\"\n" : "";
        var yaml = ConfigFixture.Valid.Replace("  version: 3.5.21\n", $"  version: 3.5.21\n{retention}  extraFlags:\n    {entry}\n");
        var problem = OneProblem(yaml, field, message);
        Assert.Equal(retention.Length > 0 ? 8 : 7, problem.Line);
    }

    [Fact]
    public void Revision_compaction_with_a_number_of_revisions_loads()
    {
        var yaml = ConfigFixture.Valid.Replace("  version: 3.5.21\n", "  version: 3.5.21\n  autoCompactionRetention: \"10000\"\n")
            .Replace("    address: 127.0.0.13\n", "    address: 127.0.0.13\n    extraFlags: { auto-compaction-mode: revision }\n");
        Assert.Equal("revision", ConfigFixture.Load(_dir, yaml).Cluster.Nodes[2].ExtraFlags.Single().Value);
    }

    [Theory]
    [InlineData("3.3.27", "not supported")]
    [InlineData("3.7.0", "not supported")]
    [InlineData("4.0.0", "not supported")]
    [InlineData("latest", "is not a version")]
    public void An_unsupported_etcd_version_is_rejected(string version, string expected)
    {
        var problem = OneProblem(ConfigFixture.Valid.Replace("3.5.21", version), "etcd.version", expected);
        Assert.Equal(5, problem.Line);
    }

    [Fact]
    public void Malformed_yaml_reports_where_the_parser_stopped()
    {
        var error = ConfigFixture.Fails(_dir, "cluster:\n  name: test\n   token: x\nnodes: []\n");
        var problem = Assert.Single(error.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("malformed YAML", problem.Message);
    }

    [Fact]
    public void An_unterminated_list_is_malformed_yaml()
    {
        var error = ConfigFixture.Fails(_dir, "cluster:\n  name: [unclosed\nnodes: []\n");
        Assert.Contains("malformed YAML", error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_named() =>
        OneProblem(ConfigFixture.Valid.Replace("version: 3.5.21", "version: 3.5.21\n  clientPort: twenty"), "etcd.clientPort", "'twenty' is not a whole number");

    // The description fails to load with exactly one problem, on this field, saying this.
    private ConfigProblem OneProblem(string yaml, string field, string message)
    {
        var problem = Assert.Single(ConfigFixture.Fails(_dir, yaml).Problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message);
        return problem;
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var yaml = ConfigFixture.Valid.Replace("3.5.21", "2.3.8").Replace("ecdsa-p256", "dsa-1024").Replace("127.0.0.12", "nope");
        var error = ConfigFixture.Fails(_dir, yaml);
        Assert.Equal(["etcd.version", "pki.keyAlgorithm", "nodes[1].address"], error.Problems.Select(p => p.Field));
    }

    [Fact]
    public void A_missing_file_says_how_to_choose_another()
    {
        var error = Assert.Throws<ForgeError>(() => ClusterLoader.Load(_dir.Combine("nope.yaml")));
        Assert.Contains("--config=FILE", error.Message);
    }

    [Fact]
    public void Cfssl_csr_and_profiles_next_to_the_description_are_honoured()
    {
        _dir.File("ca-csr.json", """
            { "CN": "Recipe CA", "key": { "algo": "rsa", "size": 2048 },
              "names": [ { "C": "DE", "L": "Berlin", "O": "Ops", "OU": "etcd", "ST": "BE" } ],
              "ca": { "expiry": "43800h" } }
            """);
        _dir.File("ca-config.json", """
            { "signing": { "default": { "expiry": "168h" },
              "profiles": {
                "server": { "expiry": "4380h", "usages": ["signing", "key encipherment", "server auth", "client auth"] },
                "client": { "expiry": "2190h", "usages": ["signing", "key encipherment", "client auth"] } } } }
            """);
        // A week's default expiry needs a renewBefore shorter than the default 720h.
        var pki = ConfigFixture.Load(_dir, ConfigFixture.Valid.Replace("pki:\n", "pki:\n  renewBefore: 72h\n")).Cluster.Pki;
        Assert.Equal(KeyAlgorithm.Rsa2048, pki.KeyAlgorithm);
        Assert.Equal(new Subject("Recipe CA", "Ops", "etcd", "DE", "Berlin", "BE"), pki.CaSubject);
        Assert.Equal(TimeSpan.FromHours(43800), pki.CaValidity);
        Assert.Equal(TimeSpan.FromHours(4380), pki.Server.Validity);
        Assert.Equal(TimeSpan.FromHours(168), pki.Peer.Validity);
        Assert.Equal(TimeSpan.FromHours(2190), pki.Client.Validity);
    }

    // cfssl gencert -initca gives a CA 43800h when ca-csr.json has no ca.expiry; the pki section's validity
    // (87600h by default) is for descriptions without cfssl files.
    [Fact]
    public void A_cfssl_csr_without_ca_expiry_gets_cfssls_default_of_43800h()
    {
        _dir.File("ca-csr.json", """{ "CN": "Recipe CA", "key": { "algo": "ecdsa", "size": 256 } }""");
        _dir.File("ca-config.json", """{ "signing": { "default": { "expiry": "8760h" } } }""");
        Assert.Equal(TimeSpan.FromHours(43800), ConfigFixture.Load(_dir, ConfigFixture.Valid).Cluster.Pki.CaValidity);
    }

    [Fact]
    public void A_cfssl_server_profile_without_client_auth_is_refused_with_the_reason()
    {
        _dir.File("ca-csr.json", """{ "CN": "Recipe CA", "key": { "algo": "ecdsa", "size": 256 } }""");
        _dir.File("ca-config.json", """
            { "signing": { "profiles": { "server": { "expiry": "8760h", "usages": ["signing", "server auth"] } } } }
            """);
        var error = ConfigFixture.Fails(_dir, ConfigFixture.Valid);
        var problem = Assert.Single(error.Problems);
        Assert.Equal(_dir.Combine("ca-config.json"), problem.File);
        Assert.Contains("client auth", problem.Message);
    }

    [Fact]
    public void The_ssh_example_topology_is_valid_once_its_key_files_exist()
    {
        var example = File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "examples", "three-hosts-ssh.yaml"));
        _dir.File("keys/id_ed25519", "placeholder: only existence and readability are checked here");
        var yaml = example.Replace("~/.ssh/id_ed25519", "keys/id_ed25519");
        var cluster = ConfigFixture.Load(_dir, yaml).Cluster;
        Assert.Equal(3, cluster.Nodes.Count);
        Assert.All(cluster.Nodes, n => Assert.Equal(ServiceKind.Systemd, n.Service));
        Assert.All(cluster.Nodes, n => Assert.Equal(ConnectionType.Ssh, n.Connection.Type));
    }
}
