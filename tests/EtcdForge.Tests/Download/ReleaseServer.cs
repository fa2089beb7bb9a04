using System.Net;
using System.Net.Sockets;

namespace EtcdForge.Tests.Download;

// A release host on a loopback address (127.0.0.1 unless a suite has its own range) with its own free port,
// serving files from memory and counting requests.
public sealed class ReleaseServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Dictionary<string, byte[]> _files = new();
    private int _requests;
    private int _failuresLeft;

    public ReleaseServer(string address = "127.0.0.1")
    {
        Address = address;
        // The port is free when asked; another test could take it before HttpListener binds, so try again.
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort(IPAddress.Parse(address));
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://{address}:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Close();
            }
        }
        _ = Task.Run(ServeAsync);
    }

    public string Address { get; }
    public int Port { get; }
    public string BaseUrl => $"http://{Address}:{Port}/releases";
    public int Requests => Volatile.Read(ref _requests);

    public void Serve(string path, byte[] content)
    {
        lock (_files) _files["/releases/" + path] = content;
    }

    // The next n requests have their connection dropped halfway through the body, as a flaky network would.
    public void DropNext(int n) => _failuresLeft = n;

    public static int FreePort() => FreePort(IPAddress.Loopback);

    private static int FreePort(IPAddress address)
    {
        var probe = new TcpListener(address, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            Interlocked.Increment(ref _requests);
            byte[]? content;
            lock (_files) _files.TryGetValue(context.Request.Url!.AbsolutePath, out content);
            if (content is null)
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
                continue;
            }
            context.Response.ContentLength64 = content.Length;
            try
            {
                if (Interlocked.Decrement(ref _failuresLeft) >= 0)
                {
                    await context.Response.OutputStream.WriteAsync(content.AsMemory(0, content.Length / 2));
                    context.Response.Abort();
                    continue;
                }
                await context.Response.OutputStream.WriteAsync(content);
                context.Response.Close();
            }
            catch (HttpListenerException) { }
        }
    }

    public void Dispose() => _listener.Close();
}
