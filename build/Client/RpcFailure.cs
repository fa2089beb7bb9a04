using Grpc.Core;

namespace EtcdForge.Client;

public static class RpcFailure
{
    // gRPC wraps the real TLS cause ("bad certificate", "unknown authority") several exceptions deep
    // under a misleading "HTTP/2 handshake" message; users need the innermost one.
    public static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null) inner = inner.InnerException;
        var top = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;
        return ReferenceEquals(inner, ex) ? top : $"{inner.Message} ({top})";
    }

    // "etcdserver: leader changed" and a member that is briefly unreachable are worth retrying; the
    // library does not do it on its own.
    public static bool IsTransient(Exception ex) =>
        ex is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded } ||
        ex.Message.Contains("leader changed", StringComparison.OrdinalIgnoreCase);
}
