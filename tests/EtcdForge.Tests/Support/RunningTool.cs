using System.Diagnostics;
using System.Text;

namespace EtcdForge.Tests.Support;

// A program a test starts and leaves running (an etcd of its own, a watching etcdctl), from ExternalTool.Start.
// Both streams are read as they come, so a chatty process never blocks on a full pipe, and kept for failure
// messages. Dispose kills it, by its PID and with its children, if it still runs.
public sealed class RunningTool : IDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly object _gate = new();
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _log = new();
    private int _read;
    private bool _stdoutClosed;

    internal RunningTool(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _command = $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data, _stdout);
        _process.ErrorDataReceived += (_, e) => Received(e.Data, null);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Everything it wrote so far, both streams in the order they arrived.</summary>
    public string Log { get { lock (_gate) return _log.ToString(); } }

    /// <summary>
    /// The next standard output line (after the one a previous call returned) that matches, trimmed. Throws when the
    /// output ends first or the guard runs out (the guard only stops a hung test; it asserts nothing about speed).
    /// </summary>
    public string WaitForLine(Func<string, bool> match, string what, TimeSpan guard)
    {
        var deadline = DateTime.UtcNow + guard;
        lock (_gate)
        {
            while (true)
            {
                for (; _read < _stdout.Count; _read++)
                {
                    var line = _stdout[_read].Trim();
                    if (match(line))
                    {
                        _read++;
                        return line;
                    }
                }
                if (_stdoutClosed) throw new InvalidOperationException($"{_command} ended while waiting for {what}: {_stderr}");
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) throw new TimeoutException($"gave up waiting for {what} after {guard}");
                Monitor.Wait(_gate, left);
            }
        }
    }

    /// <summary>Waits for it to exit on its own; past the guard it is killed and the wait throws.</summary>
    public ToolResult Wait(TimeSpan guard)
    {
        if (!_process.WaitForExit(guard))
        {
            Kill();
            throw new TimeoutException($"{_command} did not finish within {guard}");
        }
        _process.WaitForExit(); // the output is complete only after this
        return Result();
    }

    /// <summary>Kills it (with its children) unless it has exited, and returns what it wrote.</summary>
    public ToolResult Stop()
    {
        Kill();
        return Result();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        _process.WaitForExit();
    }

    private ToolResult Result()
    {
        lock (_gate) return new ToolResult(_command, _process.ExitCode, string.Join('\n', _stdout), _stderr.ToString());
    }

    private void Received(string? line, List<string>? stdout)
    {
        lock (_gate)
        {
            if (line is null)
            {
                if (stdout is not null) _stdoutClosed = true;
            }
            else
            {
                stdout?.Add(line);
                if (stdout is null) _stderr.AppendLine(line);
                _log.AppendLine(line);
            }
            Monitor.PulseAll(_gate);
        }
    }
}
