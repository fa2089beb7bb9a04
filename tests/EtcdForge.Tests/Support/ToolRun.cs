using System.Diagnostics;

namespace EtcdForge.Tests.Support;

public sealed record ToolRun(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
    public override string ToString() => $"{Command} -> exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    // A tool the project did not write (Debian's etcdctl, curl), run directly.
    public static ToolRun Of(string file, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        // Not a timing assertion: only keeps a hung tool from hanging the run.
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(entireProcessTree: true); process.WaitForExit(); }
        process.WaitForExit();
        return new ToolRun($"{file} {string.Join(' ', args)}", process.ExitCode, stdout.Result, stderr.Result);
    }
}
