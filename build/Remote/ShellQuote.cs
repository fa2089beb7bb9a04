namespace EtcdForge.Remote;

public static class ShellQuote
{
    /// <summary>Quotes <paramref name="value"/> as one POSIX sh word, whatever characters it holds.</summary>
    public static string Arg(string value) => "'" + value.Replace("'", @"'\''") + "'";
}
