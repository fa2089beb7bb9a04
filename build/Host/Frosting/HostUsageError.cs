namespace Cake.Frosting;

// A mistake on the host's own command line (a word without an option, a bad --verbosity, an unknown target): a user
// error, reported in one line with exit code 1 like the build's own user errors.
public sealed class HostUsageError(string message) : Exception(message);
