using System.Reflection;
using Cake.Cli;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Core.Scripting;
using Cake.Core.Tooling;
using Spectre.Console;

namespace Cake.Frosting;

// A stand-in for Cake.Frosting's CakeHost (not served by this machine's feed): it discovers the
// FrostingTask classes of the entry assembly, registers them with Cake.Core's engine and runs the
// target through Cake.Cli's script hosts, so --dryrun, --tree, --description and --exclusive behave as in Cake.
public sealed class CakeHost
{
    private Type? _contextType;
    private Type? _setupType;
    private Type? _teardownType;
    private Type? _taskTeardownType;
    private readonly List<Assembly> _assemblies = [Assembly.GetEntryAssembly()!];

    public CakeHost UseContext<TContext>() where TContext : ICakeContext => Use(out _contextType, typeof(TContext));

    public CakeHost UseSetup<TSetup>() where TSetup : IFrostingSetup => Use(out _setupType, typeof(TSetup));

    public CakeHost UseTeardown<TTeardown>() where TTeardown : IFrostingTeardown => Use(out _teardownType, typeof(TTeardown));

    public CakeHost UseTaskTeardown<TTeardown>() where TTeardown : IFrostingTaskTeardown => Use(out _taskTeardownType, typeof(TTeardown));

    private CakeHost Use(out Type? slot, Type type)
    {
        slot = type;
        return this;
    }

    public CakeHost AddAssembly(Assembly assembly)
    {
        _assemblies.Add(assembly);
        return this;
    }

    public int Run(IEnumerable<string> args)
    {
        var console = ConsoleOutput.Configure(new CakeConsole(new CakeEnvironment(new CakePlatform(), new CakeRuntime())));
        HostOptions options;
        try
        {
            options = HostOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            // A mistyped Cake option (e.g. --verbosity=loud) is a user error: one line, no stack trace.
            console.WriteErrorLine("Error: {0}", ex.Message);
            return 1;
        }
        var log = new CakeBuildLog(console, options.Verbosity);
        try
        {
            var cakeContext = CreateCakeContext(options, log);
            var context = _contextType is null
                ? cakeContext
                : (ICakeContext)Activator.CreateInstance(_contextType, cakeContext)!;
            var engine = new CakeEngine(new CakeDataService(), new EngineLog(log));
            foreach (var task in TaskRegistration.Discover(_assemblies))
            {
                task.RegisterWith(engine);
            }
            if (_setupType is not null)
            {
                var setup = (IFrostingSetup)Activator.CreateInstance(_setupType)!;
                engine.RegisterSetupAction(info => setup.Setup(context, info));
            }
            if (_teardownType is not null)
            {
                var teardown = (IFrostingTeardown)Activator.CreateInstance(_teardownType)!;
                engine.RegisterTeardownAction(info => teardown.Teardown(context, info));
            }
            if (_taskTeardownType is not null)
            {
                var taskTeardown = (IFrostingTaskTeardown)Activator.CreateInstance(_taskTeardownType)!;
                engine.RegisterTaskTeardownAction(info => taskTeardown.Teardown(context, info));
            }
            if (!options.Tree && !options.Description
                && !engine.Tasks.Any(t => t.Name.Equals(options.Target, StringComparison.OrdinalIgnoreCase)))
            {
                var names = string.Join(", ", engine.Tasks.Select(t => t.Name).Order(StringComparer.Ordinal));
                throw new CakeException($"The target '{options.Target}' was not found; targets: {names} (see --description)");
            }
            var host = CreateScriptHost(options, engine, context, console, log);
            if (options.Exclusive)
            {
                host.Settings.UseExclusiveTarget();
            }
            host.RunTargetAsync(options.Target).GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception ex)
        {
            var root = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            log.Error("Error: {0}", root.Message);
            if (options.Verbosity >= Verbosity.Diagnostic)
            {
                log.Error("{0}", root.ToString());
            }
            return 1;
        }
    }

    private static IScriptHost CreateScriptHost(HostOptions options, ICakeEngine engine, ICakeContext context, IConsole console, ICakeLog log)
    {
        var ansi = AnsiConsole.Console;
        if (options.Tree) return new TreeScriptHost(engine, context, console);
        if (options.Description) return new DescriptionScriptHost(engine, context, ansi);
        if (options.DryRun) return new DryRunScriptHost(engine, context, log);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        return new BuildScriptHost(engine, new DefaultExecutionStrategy(log, new CakeSpectreReportPrinter(ansi)), context,
            new CakeSpectreReportPrinter(ansi), configuration, log);
    }

    private static CakeContext CreateCakeContext(HostOptions options, ICakeLog log)
    {
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var fileSystem = new FileSystem();
        var globber = new Globber(fileSystem, environment);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var toolRepository = new ToolRepository(environment);
        var toolLocator = new ToolLocator(environment, toolRepository,
            new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        var arguments = new CakeArguments(options.Arguments);
        return new CakeContext(fileSystem, environment, globber, log, arguments,
            new ProcessRunner(fileSystem, environment, log, toolLocator, configuration),
            new WindowsRegistry(), toolLocator, new CakeDataService(), configuration,
            new ToolInstaller(environment, toolLocator, configuration, log, Array.Empty<IPackageInstaller>()),
            new EmptyServiceProvider());
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
