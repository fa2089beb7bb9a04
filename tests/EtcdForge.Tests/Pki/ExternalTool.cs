using System.Diagnostics;

namespace EtcdForge.Tests.Pki;

internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

internal static class ExternalTool
{
    public static ToolResult Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return new ToolResult(process.ExitCode, stdout, stderr.Result);
    }

    public static string Succeed(string file, params string[] args)
    {
        var result = Run(file, args);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result.Stdout;
    }
}
