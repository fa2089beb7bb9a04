using Cake.Core;
using Spectre.Console;

namespace Cake.Frosting;

// Colours and live tables are for a person at a terminal. Cake's log decides on ANSI from TERM and CI variables
// alone, so output redirected to a file or a CI log would carry escape codes; here a stream that is not a
// terminal (or NO_COLOR) switches both Cake's log and Spectre's console to plain text.
internal static class ConsoleOutput
{
    public static bool IsPlain(bool stdoutRedirected, bool stderrRedirected, string? noColor) =>
        stdoutRedirected || stderrRedirected || !string.IsNullOrEmpty(noColor);

    public static IConsole Configure(IConsole cake)
    {
        if (!IsPlain(Console.IsOutputRedirected, Console.IsErrorRedirected, Environment.GetEnvironmentVariable("NO_COLOR"))) return cake;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        return new PlainConsole(cake);
    }

    // Cake's log with colour requests dropped: no ANSI sequences, and no Console.ForegroundColor either.
    private sealed class PlainConsole(IConsole inner) : IConsole
    {
        public ConsoleColor ForegroundColor { get => inner.ForegroundColor; set { } }
        public ConsoleColor BackgroundColor { get => inner.BackgroundColor; set { } }
        public bool SupportAnsiEscapeCodes => false;
        public void Write(string format, params object[] arg) => inner.Write(format, arg);
        public void Write(string value) => inner.Write(value);
        public void WriteLine(string format, params object[] arg) => inner.WriteLine(format, arg);
        public void WriteLine(string value) => inner.WriteLine(value);
        public void WriteError(string format, params object[] arg) => inner.WriteError(format, arg);
        public void WriteError(string value) => inner.WriteError(value);
        public void WriteErrorLine(string format, params object[] arg) => inner.WriteErrorLine(format, arg);
        public void WriteErrorLine(string value) => inner.WriteErrorLine(value);
        public void ResetColor() { }
    }
}
