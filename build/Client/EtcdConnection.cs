using dotnet_etcd;
using Grpc.Net.Client.Configuration;

namespace EtcdForge.Client;

public static class EtcdConnection
{
    // dotnet-etcd round-robins across the endpoints it is given, so per-member checks open one client each.
    public static EtcdClient Open(string endpoint, TlsIdentity identity) =>
        new(endpoint, configureSslOptions: identity.Apply);

    // dotnet-etcd's channel retries Unavailable until the call's deadline, so asking a member that is not
    // listening yet takes the whole deadline instead of failing with "connection refused". A probe asks once
    // and its caller decides when to ask again.
    public static EtcdClient OpenForProbe(string endpoint, TlsIdentity identity) =>
        new(endpoint, configureSslOptions: identity.Apply, configureChannelOptions: options =>
        {
            var balancing = options.ServiceConfig?.LoadBalancingConfigs.ToList() ?? [];
            options.ServiceConfig = new ServiceConfig();
            foreach (var config in balancing) options.ServiceConfig.LoadBalancingConfigs.Add(config);
        });
}
