using Cake.Frosting;
using EtcdForge;

return new CakeHost()
    .UseContext<BuildContext>()
    .Run(args);
