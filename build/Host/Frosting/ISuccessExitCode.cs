namespace Cake.Frosting;

// A context that can end a run in which every task succeeded with another exit code than 0, e.g. 2 for "changes are
// pending" (Plan --detailed-exitcode, as Terraform's plan). Read after the last task; errors exit 1 or 3 regardless.
public interface ISuccessExitCode
{
    int SuccessExitCode { get; }
}
