using System.Diagnostics;

namespace EtcdForge.Tests.Support;

public sealed record ToolResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
    public override string ToString() => $"{Command} -> exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

// The one way the tests run a program other than etcd-forge itself (ForgeProcess runs that): a tool the project did
// not write (Debian's etcd and etcdctl, openssl, curl, ssh, tar, docker) or a script. Run* run it to completion with
// its output captured; Start leaves it running (RunningTool).
public static class ExternalTool
{
    // Not a timing assertion: it only keeps a hung tool from hanging the run.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public static ToolResult Run(string file, params string[] args) => RunWith(file, null, args);

    public static ToolResult RunWith(string file, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Run(file, environment, input: null, HangGuard, args);

    /// <summary>With <paramref name="input"/> written to the tool's standard input, which is then closed.</summary>
    public static ToolResult RunWithInput(string file, string input, params string[] args) => Run(file, null, input, HangGuard, args);

    /// <summary>For a tool that may rightly take longer than two minutes (apt-get, a first systemd host root): past
    /// <paramref name="hangGuard"/> it is killed and the run throws.</summary>
    public static ToolResult RunWithin(TimeSpan hangGuard, string file, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Run(file, environment, input: null, hangGuard, args);

    /// <summary>Starts the tool and leaves it running.</summary>
    public static RunningTool Start(string file, params string[] args) => new(StartInfo(file, null, args));

    private static ProcessStartInfo StartInfo(string file, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }

    private static ToolResult Run(string file, IReadOnlyDictionary<string, string>? environment, string? input, TimeSpan hangGuard, string[] args)
    {
        var start = StartInfo(file, environment, args);
        start.RedirectStandardInput = input is not null;
        var command = $"{file} {string.Join(' ', args)}";
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(hangGuard))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{command} did not finish within {hangGuard}");
        }
        process.WaitForExit();
        return new ToolResult(command, process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the tool and fails the test unless it exits 0; returns its standard output.</summary>
    public static string Succeed(string file, params string[] args) => SucceedWith(file, null, args).Stdout;

    public static ToolResult SucceedWith(string file, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var result = RunWith(file, environment, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
