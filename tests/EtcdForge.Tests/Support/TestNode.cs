using System.Net;
using EtcdForge.Configuration;

namespace EtcdForge.Tests.Support;

// A Node as ClusterValidator makes it (URLs from the address and the ports), for tests that need one without a
// whole description.
public static class TestNode
{
    public static readonly Connection Local = new(ConnectionType.Local, null, 0, null, null, null);

    public static Node At(string name, IPAddress address, Connection? connection = null, ServiceKind service = ServiceKind.Process,
        int clientPort = 2379, int peerPort = 2380) =>
        new(name, address, [], [], connection ?? Local, service, Node.HttpsUrl(address, clientPort), Node.HttpsUrl(address, peerPort));
}
