using System.Net;

namespace EtcdForge.Download;

// Fetches one URL into a file the caller names (a temporary name: only the caller knows when it is
// verified). Network failures are retried with backoff; HTTP error answers are not, except 5xx.
public sealed class HttpDownloader(HttpClient http, DownloadSettings settings, TimeProvider clock, ICakeLog log)
{
    private const int BufferSize = 81920;

    public async Task FetchAsync(Uri source, string destination, ITransferProgress progress, CancellationToken cancel = default)
    {
        if (source.IsFile)
        {
            CopyLocal(source.LocalPath, destination);
            return;
        }
        using var overall = new CancellationTokenSource(settings.OverallTimeout, clock);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await FetchOnceAsync(source, destination, progress, overall.Token, cancel);
                return;
            }
            catch (Exception ex) when (!cancel.IsCancellationRequested && Classify(ex, overall.IsCancellationRequested) is { } failure)
            {
                // A name that does not resolve will not resolve a second later; waiting only slows offline runs.
                if (overall.IsCancellationRequested || attempt >= settings.Attempts || IsUnknownHost(ex))
                {
                    if (failure.Network) throw new ReleaseHostUnreachable(source, failure.Reason, ex);
                    throw new ForgeError($"{source} could not be fetched: {failure.Reason} ({attempt} attempts)", ex);
                }
                var delay = settings.FirstBackoff * Math.Pow(2, attempt - 1);
                log.Warning("{0}: {1}; retrying in {2:0.#} s (attempt {3} of {4})",
                    source, failure.Reason, delay.TotalSeconds, attempt + 1, settings.Attempts);
                await Task.Delay(delay, clock, cancel);
            }
        }
    }

    private async Task FetchOnceAsync(Uri source, string destination, ITransferProgress progress,
        CancellationToken overall, CancellationToken cancel)
    {
        using var stall = new CancellationTokenSource(settings.StallTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stall.Token, overall, cancel);
        using var response = await http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        if ((int)response.StatusCode >= 500) throw new HttpRequestException(Status(response), null, response.StatusCode);
        if (!response.IsSuccessStatusCode) throw new ForgeError($"{source}: {Status(response)}");

        var total = response.Content.Headers.ContentLength;
        progress.Report(0, total);
        await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
        await using var file = new FileStream(destination, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Artifacts.AtomicFile.PublicMode,
        });
        var buffer = new byte[BufferSize];
        long done = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, linked.Token)) > 0)
        {
            stall.CancelAfter(settings.StallTimeout);
            await file.WriteAsync(buffer.AsMemory(0, read), linked.Token);
            done += read;
            progress.Report(done, total);
        }
        if (total is { } expected && done != expected)
        {
            throw new IOException($"connection closed after {done} of {expected} bytes");
        }
    }

    private sealed record Failure(string Reason, bool Network);

    private Failure? Classify(Exception ex, bool overallExpired) => ex switch
    {
        OperationCanceledException when overallExpired => new($"not finished within {settings.OverallTimeout.TotalSeconds:0} s", true),
        OperationCanceledException => new($"no data for {settings.StallTimeout.TotalSeconds:0} s", true),
        HttpRequestException { StatusCode: { } status } => new($"HTTP {(int)status} {status}", false),
        HttpRequestException or IOException => new(Innermost(ex).Message, true),
        _ => null,
    };

    // "Name or service not known" or "Connection refused" is several exceptions deep; the outer ones
    // only say that a request failed.
    private static bool IsUnknownHost(Exception ex) =>
        Innermost(ex) is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound };

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner) ex = inner;
        return ex;
    }

    private static string Status(HttpResponseMessage response) =>
        $"HTTP {(int)response.StatusCode} {(response.ReasonPhrase is { Length: > 0 } p ? p : response.StatusCode.ToString())}"
        + (response.StatusCode == HttpStatusCode.NotFound ? " (is the version released for this architecture?)" : "");

    private static void CopyLocal(string path, string destination)
    {
        if (!File.Exists(path)) throw new ForgeError($"{path} does not exist (from etcd.downloadUrl)");
        File.Copy(path, destination, overwrite: true);
    }
}
