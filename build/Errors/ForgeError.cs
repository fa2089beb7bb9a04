namespace EtcdForge.Errors;

// A mistake the user can fix (bad config, unreachable host, wrong checksum). The host prints its message
// as one line without a stack trace.
public class ForgeError(string message, Exception? inner = null) : Exception(message, inner);
