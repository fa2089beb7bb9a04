using System.Text.Json;
using System.Text.RegularExpressions;

namespace EtcdForge.Services;

// The one line of an etcd log that says why etcd stopped. etcd writes JSON lines (zap), a dying etcd adds a
// Go stack trace, either inside the JSON ("stacktrace") or as raw frames after a "panic:" line. The reason is
// the "msg" and "error" of the last error-level line; failing that, a "panic:" line; failing that, the last
// line that is neither a stack frame nor blank (etcd 3.4's older text log has no levels to go by).
public static partial class EtcdLogLine
{
    private const int MaxLength = 300;
    private static readonly string[] Severe = ["error", "dpanic", "panic", "fatal"];

    public static string? LastMeaningful(string log)
    {
        var lines = log.Split('\n').Select(l => Capnslog().Replace(l.Trim(), "")).Where(l => l.Length > 0).ToList();
        string? panic = null, last = null;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var line = lines[i];
            if (Json(line) is { } entry)
            {
                if (Severe.Contains(entry.Level)) return Clip(entry.Text);
                last ??= entry.Text;
                continue;
            }
            if (IsStackFrame(line)) continue;
            if (line.StartsWith("panic: ", StringComparison.Ordinal) || line.StartsWith("fatal error: ", StringComparison.Ordinal)) panic ??= line;
            last ??= line;
        }
        return (panic ?? last) is { } found ? Clip(found) : null;
    }

    private sealed record Entry(string Level, string Text);

    private static Entry? Json(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("msg", out var msg)) return null;
            var level = root.TryGetProperty("level", out var l) ? l.ToString() : "";
            var text = msg.ToString();
            if (root.TryGetProperty("error", out var error) && error.ToString().Length > 0) text += ": " + error;
            return new Entry(level, text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Frames ("go.etcd.io/etcd/...(0x..)", "\tfile.go:12 +0x3c" after trimming), goroutine headers, "created by".
    private static bool IsStackFrame(string line) =>
        line.StartsWith("goroutine ", StringComparison.Ordinal) || line.StartsWith("created by ", StringComparison.Ordinal)
        || GoFrame().IsMatch(line) || GoSourceLine().IsMatch(line);

    [GeneratedRegex(@"^[\w.*/()\[\]-]+\(.*\)$")]
    private static partial Regex GoFrame();

    [GeneratedRegex(@"^\S+\.go:\d+( \+0x[0-9a-f]+)?$")]
    private static partial Regex GoSourceLine();

    // etcd 3.4 without `logger: zap`: "2026-12-01 05:38:34.496601 C | etcdmain: listen tcp ...".
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+ [A-Z] \| ")]
    private static partial Regex Capnslog();

    private static string Clip(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= MaxLength ? flat : flat[..MaxLength] + "...";
    }
}
