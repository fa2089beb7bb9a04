using Cake.Frosting;
using EtcdForge;
using EtcdForge.Nodes;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseTeardown<ClosesNodeShells>()
    .Run(args);
