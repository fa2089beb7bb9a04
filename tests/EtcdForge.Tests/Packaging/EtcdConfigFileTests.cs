using EtcdForge.Artifacts;
using EtcdForge.Configuration;
using EtcdForge.EtcdFlags;
using EtcdForge.Nodes;
using EtcdForge.Packaging;

namespace EtcdForge.Tests.Packaging;

public sealed class EtcdConfigFileTests() : PackagingTest([("etcd1", "198.18.0.11"), ("etcd2", "198.18.0.12")])
{
    private string Render(EtcdVersion version, params CheckedExtraFlags.Rendered[] extraFlags)
    {
        var node = Packed.Node("etcd1") with { Connection = new(ConnectionType.Ssh, "root", 22, null, null, null) };
        return EtcdConfigFile.Render(node, Packed.Cluster, NodePaths.For(node, Packed.Cluster, Packed.Layout), version, extraFlags);
    }

    private static IReadOnlyList<string> TopKeys(string yaml) =>
        yaml.Split('\n').Where(l => l.Length > 0 && char.IsLetter(l[0])).Select(l => l[..l.IndexOf(':')]).ToList();

    [Fact]
    public void Etcd_3_4_has_enable_v2_and_restricts_tls_through_cipher_suites_only()
    {
        var yaml = Render(new EtcdVersion(3, 4, 23));
        Assert.DoesNotContain("tls-min-version", yaml);
        Assert.All(new[]
        {
            "enable-v2: false\n",
            "  - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305\n",
            "listen-client-urls: 'https://198.18.0.11:2379,https://127.0.0.1:2379'\n",
            "advertise-client-urls: 'https://198.18.0.11:2379'\n",
            "initial-cluster: 'etcd1=https://198.18.0.11:2380,etcd2=https://198.18.0.12:2380'\n",
            // Leaf certificates through the generation link (swapped as a pair without restart); the CA read at start.
            "  cert-file: '/etc/etcd/ssl/leaf/etcd1.pem'\n  key-file: '/etc/etcd/ssl/leaf/etcd1-key.pem'\n  client-cert-auth: true\n  trusted-ca-file: '/etc/etcd/ssl/etcd-root-ca.pem'\n",
            "  cert-file: '/etc/etcd/ssl/leaf/etcd1-peer.pem'\n  key-file: '/etc/etcd/ssl/leaf/etcd1-peer-key.pem'\n",
            "data-dir: '/var/lib/etcd'\n",
        }, line => Assert.Contains(line, yaml));
    }

    [Fact]
    public void Etcd_3_5_keeps_enable_v2_and_adds_tls_min_version_from_3_5_8()
    {
        var early = Render(new EtcdVersion(3, 5, 7));
        Assert.DoesNotContain("tls-min-version", early);
        var yaml = Render(new EtcdVersion(3, 5, 21));
        Assert.Contains("enable-v2: false\n", yaml);
        Assert.Contains("tls-min-version: 'TLS1.2'\n", yaml);
        Assert.Contains("  - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\n", yaml);
    }

    [Fact]
    public void Etcd_3_6_drops_enable_v2()
    {
        var yaml = Render(new EtcdVersion(3, 6, 5));
        Assert.DoesNotContain("enable-v2", yaml);
        Assert.Contains("tls-min-version: 'TLS1.2'\n", yaml);
        Assert.Equal(
            ["name", "data-dir", "listen-peer-urls", "listen-client-urls", "initial-advertise-peer-urls", "advertise-client-urls",
             "initial-cluster", "initial-cluster-token", "initial-cluster-state", "client-transport-security", "peer-transport-security",
             "tls-min-version", "cipher-suites", "logger", "log-outputs", "heartbeat-interval", "election-timeout", "snapshot-count",
             "quota-backend-bytes", "auto-compaction-mode", "auto-compaction-retention", "enable-grpc-gateway"],
            TopKeys(yaml));
    }

    [Fact]
    public void A_member_on_a_loopback_address_gets_no_second_loopback_listener()
    {
        using var f = new PackagingFixture([("etcd1", "127.0.0.11")]);
        var yaml = EtcdConfigFile.Render(f.Node("etcd1"), f.Cluster, NodePaths.For(f.Node("etcd1"), f.Cluster, f.Layout), new EtcdVersion(3, 4, 23), []);
        Assert.Contains("listen-client-urls: 'https://127.0.0.11:2379'\n", yaml);
    }

    // extraFlags go after etcd-forge's own keys (a member without any keeps the file it had, and is not restarted);
    // auto-compaction-mode is the one default of etcd-forge's they may change.
    [Fact]
    public void Extra_flags_follow_etcd_forges_keys_and_may_change_the_compaction_mode()
    {
        var yaml = Render(new EtcdVersion(3, 5, 21), new("auto-compaction-mode", "'revision'"), new("log-level", "'debug'"));

        Assert.Single(yaml.Split('\n'), l => l.StartsWith("auto-compaction-mode:", StringComparison.Ordinal));
        Assert.EndsWith("enable-v2: false\n# etcd.extraFlags, and this node's own\nauto-compaction-mode: 'revision'\nlog-level: 'debug'\n", yaml);
        Assert.Equal(Render(new EtcdVersion(3, 5, 21)).Replace("auto-compaction-mode: 'periodic'\n", ""), yaml[..yaml.IndexOf("# etcd.extraFlags", StringComparison.Ordinal)]);
    }

    // extraFlags cannot repeat a key etcd-forge writes (a repeated key is an error to etcd's YAML reader): every top-level
    // key of every version's file is refused at load, but for the one default they may change.
    [Theory]
    [InlineData(3, 4, 23)]
    [InlineData(3, 5, 21)]
    [InlineData(3, 6, 5)]
    public void Every_key_etcd_forge_writes_is_one_extraFlags_may_not_set(int major, int minor, int patch) =>
        Assert.All(TopKeys(Render(new EtcdVersion(major, minor, patch))).Where(k => k != "auto-compaction-mode"),
            key => Assert.NotNull(EtcdFlagNames.Refusal(key)));
}
