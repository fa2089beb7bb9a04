using Cake.Frosting;
using EtcdForge;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseTeardown<ClosesNodeShells>()
    .Run(args);
