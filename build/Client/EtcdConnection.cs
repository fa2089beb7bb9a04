using dotnet_etcd;

namespace EtcdForge.Client;

public static class EtcdConnection
{
    // dotnet-etcd round-robins across the endpoints it is given, so per-member checks open one client each.
    public static EtcdClient Open(string endpoint, TlsIdentity identity) =>
        new(endpoint, configureSslOptions: identity.Apply);
}
