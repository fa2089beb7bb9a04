namespace Cake.Frosting;

// What the host's exit code says. A context may turn a successful run into another code (ISuccessExitCode).
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The user's mistake (a HostUsageError or a type registered with UseUserError): one line, no stack trace.</summary>
    public const int UserError = 1;

    /// <summary>Any other exception: a bug in the program.</summary>
    public const int InternalError = 3;
}
