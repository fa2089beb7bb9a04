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
// A user error exits 1 with one line, any other exception 3 (ExitCodes).
public sealed class CakeHost
{
    private Type? _contextType;
    private Type? _setupType;
    private Type? _teardownType;
    private Type? _taskTeardownType;
    private Type? _commandLineType;
    private readonly List<Type> _userErrors = [];
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

    // What --help and --version say about the build (its usage line, options, notes and version details).
    public CakeHost UseCommandLine<TCommandLine>() where TCommandLine : IBuildCommandLine, new()
    {
        _commandLineType = typeof(TCommandLine);
        return this;
    }

    // Exceptions of this type (and derived ones) are the user's mistakes: one line "Error: ...", exit 1. Any other
    // exception is a bug: "internal error: ...", exit 3.
    public CakeHost UseUserError<TException>() where TException : Exception
    {
        _userErrors.Add(typeof(TException));
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
        catch (HostUsageError ex)
        {
            // A mistyped Cake option (e.g. --verbosity=loud) is a user error: one line, no stack trace.
            console.WriteErrorLine("Error: {0}", ex.Message);
            return ExitCodes.UserError;
        }
        var log = new CakeBuildLog(console, options.Verbosity);
        // The program is the build whose context the tasks use (the entry assembly when there is none).
        var program = ProgramVersion.Of(_contextType?.Assembly ?? _assemblies[0]);
        try
        {
            var tasks = TaskRegistration.Discover(_assemblies).ToList();
            if (options.Help || options.Version)
            {
                var build = _commandLineType is null ? null : (IBuildCommandLine)Activator.CreateInstance(_commandLineType)!;
                var lines = options.Help ? HelpText.Help(program, build, tasks) : HelpText.Version(program, build);
                foreach (var line in lines) console.WriteLine("{0}", line);
                return ExitCodes.Success;
            }
            var cakeContext = CreateCakeContext(options, log);
            // The build's context (which may load and check a configuration) only for a run that executes or lists
            // tasks: --tree and --description show the task classes alone.
            var context = _contextType is null || options.NeedsNoContext
                ? cakeContext
                : (ICakeContext)Activator.CreateInstance(_contextType, cakeContext)!;
            var engine = new CakeEngine(new CakeDataService(), new EngineLog(log));
            foreach (var task in tasks)
            {
                task.RegisterWith(engine);
            }
            if (!options.NeedsNoContext) RegisterHooks(engine, context);
            if (!options.Tree && !options.Description
                && !engine.Tasks.Any(t => t.Name.Equals(options.Target, StringComparison.OrdinalIgnoreCase)))
            {
                var names = string.Join(", ", engine.Tasks.Select(t => t.Name).Order(StringComparer.Ordinal));
                throw new HostUsageError($"The target '{options.Target}' was not found; targets: {names} (see --help)");
            }
            var host = CreateScriptHost(options, engine, context, console, log);
            if (options.Exclusive)
            {
                host.Settings.UseExclusiveTarget();
            }
            host.RunTargetAsync(options.Target).GetAwaiter().GetResult();
            return !options.DryRun && context is ISuccessExitCode outcome ? outcome.SuccessExitCode : ExitCodes.Success;
        }
        catch (Exception ex)
        {
            return Failed(ex, log, program);
        }
    }

    // One line on stderr: the user's mistake as it is, anything else as a bug to report; the stack trace only at
    // diagnostic verbosity.
    private int Failed(Exception ex, ICakeLog log, ProgramVersion program)
    {
        var root = Unwrap(ex);
        var user = IsUserError(root);
        if (user) log.Error("Error: {0}", root.Message);
        else log.Error("internal error: {0}; this is a bug in {1}, please report it with the output of --verbosity=diagnostic", OneLine(root.Message), program.Name);
        if (log.Verbosity >= Verbosity.Diagnostic)
        {
            log.Error("{0}", root.ToString());
        }
        return user ? ExitCodes.UserError : ExitCodes.InternalError;
    }

    private void RegisterHooks(CakeEngine engine, ICakeContext context)
    {
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
    }

    // Cake's engine refuses a target whose own criteria said "skip" (e.g. SingleNodeTest on a running cluster) with
    // a CakeException: that is the user's choice of target, not a bug.
    private bool IsUserError(Exception ex) =>
        ex is HostUsageError
        || (ex is CakeException && ex.Message.StartsWith("Could not reach target", StringComparison.Ordinal))
        || _userErrors.Any(t => t.IsInstanceOfType(ex));

    // The exception that says what went wrong, without the wrappers of reflection, of Cake's engine (which carries
    // its task report with a failed task's exception) and of a single-task aggregate.
    private static Exception Unwrap(Exception ex) => ex switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        CakeReportException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => ex,
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

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
