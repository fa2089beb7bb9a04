using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EtcdForge.Tests.Support;

// Runs the real etcd-forge host (the etcd-forge.dll that the project reference puts next to the tests) as a
// child process, from the repository root, with plain output: CI=true (no live progress bars) and NO_COLOR=1.
public sealed class ForgeProcess
{
    public static string HostDll { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "etcd-forge.dll");

    public string WorkingDirectory { get; init; } = RepoPaths.Root;
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    // A command the host runs under, e.g. setpriv to drop root's power to read any file; empty: none.
    public IReadOnlyList<string> Launcher { get; init; } = [];

    // Not a timing assertion: it only keeps a hung host from hanging the whole test run.
    public TimeSpan HangGuard { get; init; } = TimeSpan.FromMinutes(5);

    public static ForgeResult Run(params string[] args) => new ForgeProcess().Start(args);

    public ForgeResult Start(params string[] args)
    {
        using var run = Launch(args);
        return run.Wait();
    }

    // Starts the host and returns at once, for tests that must act while it runs (e.g. kill it mid-task).
    public RunningForge Launch(params string[] args)
    {
        if (!File.Exists(HostDll)) throw new InvalidOperationException($"{HostDll} not found; does the test project reference build/Build.csproj?");
        var start = new ProcessStartInfo(Launcher.Count > 0 ? Launcher[0] : "dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Launcher.Count > 0)
        {
            foreach (var part in Launcher.Skip(1)) start.ArgumentList.Add(part);
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(HostDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["CI"] = "true";
        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in Environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        process.StandardInput.Close();
        return new RunningForge(process, args, HangGuard);
    }
}

// A host started by ForgeProcess.Launch. Kill ends exactly that process (by its PID) and its children.
public sealed class RunningForge(Process process, IReadOnlyList<string> args, TimeSpan hangGuard) : IDisposable
{
    private readonly Task<string> _stdout = process.StandardOutput.ReadToEndAsync();
    private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

    public int Pid => process.Id;
    public bool HasExited => process.HasExited;

    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGINT, as Ctrl+C sends it, straight from this process: spawning kill(1) took long enough on a loaded
    /// machine that the run had finished before the signal came.</summary>
    public void Interrupt()
    {
        const int sigint = 2;
        if (SendSignal(process.Id, sigint) != 0) throw new InvalidOperationException($"kill(2) of {process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public ForgeResult Wait()
    {
        if (!process.WaitForExit(hangGuard))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"etcd-forge {string.Join(' ', args)} still running after {hangGuard}; killed.\n" +
                $"stdout:\n{_stdout.Result}\nstderr:\n{_stderr.Result}");
        }
        process.WaitForExit(); // flushes the redirected streams
        var result = new ForgeResult(args, process.ExitCode, _stdout.Result, _stderr.Result);
        // An internal error is a bug in etcd-forge, whatever the test expected (a user error exits 1).
        if (result.ExitCode == Cake.Frosting.ExitCodes.InternalError) throw new Xunit.Sdk.XunitException($"etcd-forge reported an internal error, a bug:\n{result}");
        return result;
    }

    public void Dispose()
    {
        if (!process.HasExited) Kill();
        process.Dispose();
    }
}

public sealed record ForgeResult(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary>Fails the test with the whole run unless it exited 0, e.g. a fixture's first run: "bringing up the sandbox".</summary>
    public ForgeResult Succeeded(string what)
    {
        Assert.True(ExitCode == 0, $"{what} failed:\n{this}");
        return this;
    }

    public IReadOnlyList<string> Lines => Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

    public IReadOnlyList<string> ErrorLines => Stderr.Split('\n').Select(l => l.TrimEnd('\r'))
        .Where(l => l.Trim().Length > 0).ToList();

    // The lines a task printed: from its header to its own "Task: ..." summary line.
    public List<string> Section(string task)
    {
        var lines = Lines.ToList();
        var start = lines.FindIndex(l => l.Trim() == task);
        Assert.True(start >= 0, $"no {task} section:\n{this}");
        var end = lines.FindIndex(start, l => l.StartsWith(task + ":"));
        Assert.True(end >= 0, $"no {task} summary line:\n{this}");
        return lines.Skip(start).Take(end - start + 1).ToList();
    }

    /// <summary>Asserts a successful run in which each of these tasks reported that it changed nothing.</summary>
    public void ChangedNothing(params string[] tasks)
    {
        Assert.True(ExitCode == 0, ToString());
        foreach (var task in tasks) Assert.Contains($"{task}: nothing changed", Lines);
    }

    /// <summary>Asserts a successful Plan that found nothing to change.</summary>
    public void PlannedNothing()
    {
        Assert.True(ExitCode == 0, ToString());
        Assert.Contains("Plan: nothing to change", Lines);
    }

    /// <summary>Asserts a successful BootstrapCluster that restarted these members one at a time because their files
    /// changed, in this order, each reported healthy again before the next was touched.</summary>
    public void RestartedOneAtATime(params string[] nodes)
    {
        Assert.True(ExitCode == 0, ToString());
        var bootstrap = Section("BootstrapCluster");
        Assert.Contains($"restarting {string.Join(", ", nodes)} one at a time: their files changed since they started", bootstrap.Select(l => l.Trim()));
        var restarted = bootstrap.Where(l => l.Contains("restarted with its new files; healthy again")).ToList();
        Assert.Equal(nodes.Select(n => $"[{n}]"), restarted.Select(l => l[l.IndexOf('[')..(l.IndexOf(']') + 1)]));
    }

    // For assertion messages: what ran and everything it printed.
    public override string ToString() =>
        $"etcd-forge {string.Join(' ', Args)} -> exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
