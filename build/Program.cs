using Cake.Frosting;
using EtcdForge;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseSetup<LocksArtifacts>()
    .UseTeardown<ClosesNodeShells>()
    .Run(args);
