using EtcdForge;
using EtcdForge.CommandLine;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseCommandLine<ForgeCommandLine>()
    .UseUserError<ForgeError>()
    .UseSetup<LocksArtifacts>()
    .UseTeardown<ClosesNodeShells>()
    .UseTaskTeardown<RecordsTaskTimes>()
    .Run(args);
