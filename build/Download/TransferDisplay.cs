namespace EtcdForge.Download;

public interface ITransferProgress
{
    // Called again from 0 when an attempt is retried.
    void Report(long bytesDone, long? bytesTotal);
}

// How a download shows its progress: a live bar for a person at a terminal, log lines for CI logs,
// where a redrawn bar would only produce noise.
public interface ITransferDisplay
{
    Task<T> ShowAsync<T>(string label, Func<ITransferProgress, Task<T>> transfer);
}

public static class TransferDisplay
{
    public static ITransferDisplay For(bool interactive, ICakeLog log) =>
        interactive ? new ConsoleProgressBar() : new LogLineProgress(log);

    public static bool IsInteractive(string? ciVariable, bool outputRedirected) =>
        !outputRedirected && !string.Equals(ciVariable, "true", StringComparison.OrdinalIgnoreCase)
                          && ciVariable != "1";
}
