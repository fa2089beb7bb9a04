using EtcdForge;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseSetup<LocksArtifacts>()
    .UseTeardown<ClosesNodeShells>()
    .UseTaskTeardown<RecordsTaskTimes>()
    .Run(args);
