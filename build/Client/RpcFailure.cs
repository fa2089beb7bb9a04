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
        if (ReferenceEquals(inner, ex)) return top;
        // OpenSSL's text ends with the part that matters: "error:0A000412:SSL routines::sslv3 alert bad certificate".
        var cause = inner.Message.Contains("SSL routines::", StringComparison.Ordinal)
            ? inner.Message[(inner.Message.LastIndexOf("::", StringComparison.Ordinal) + 2)..]
            : inner.Message;
        return ex is RpcException r ? $"{cause} ({r.StatusCode})" : cause;
    }

    // "etcdserver: leader changed" and a member that is briefly unreachable are worth retrying; the
    // library does not do it on its own.
    public static bool IsTransient(Exception ex) =>
        ex is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded } ||
        ex.Message.Contains("leader changed", StringComparison.OrdinalIgnoreCase);
}
