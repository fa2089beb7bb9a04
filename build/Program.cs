using Cake.Frosting;
using EtcdForge;
using EtcdForge.Artifacts;
using EtcdForge.Nodes;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseSetup<LocksArtifacts>()
    .UseTeardown<ClosesNodeShells>()
    .Run(args);
