using System.Collections.Concurrent;
using Cake.Core.Diagnostics;

namespace EtcdForge.Tests.Download;

public sealed class RecordingLog : ICakeLog
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();
    public Verbosity Verbosity { get; set; } = Verbosity.Diagnostic;

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args) =>
        Lines.Enqueue((level, args.Length == 0 ? format : string.Format(format, args)));

    public IEnumerable<string> Warnings => Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text);
    public IEnumerable<string> All => Lines.Select(l => l.Text);
}
