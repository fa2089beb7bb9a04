using EtcdForge.Configuration;

namespace EtcdForge.Tests.Configuration;

// A valid description that each test bends in one place.
internal static class ConfigFixture
{
    public const string Valid = """
        cluster:
          name: test
          token: test-token
        etcd:
          version: 3.5.21
        pki:
          keyAlgorithm: ecdsa-p256
          clients:
            - name: client
              commonName: root
        nodes:
          - name: etcd1
            address: 127.0.0.11
            hostnames: [etcd1.test]
            connection: { type: local }
          - name: etcd2
            address: 127.0.0.12
            connection: { type: local }
          - name: etcd3
            address: 127.0.0.13
            connection: { type: local }
        """;

    public static ClusterLoader.Result Load(TempDir dir, string yaml, string name = "cluster.yaml") =>
        ClusterLoader.Load(dir.File(name, yaml));

    public static ConfigError Fails(TempDir dir, string yaml) =>
        Assert.Throws<ConfigError>(() => Load(dir, yaml));
}
