using System.Runtime.InteropServices;
using Cake.Core;
using EtcdForge.Artifacts;

namespace EtcdForge;

// Before the first task of a run that writes (not a dry run, not Plan alone): the cluster's artifacts lock
// for the whole run, then the temporary files earlier runs left when they were killed, and for this run's own, a
// SIGINT/SIGTERM handler that removes them before the process ends.
public sealed class LocksArtifacts : FrostingSetup<BuildContext>
{
    // Held until the process ends (the engine keeps this setup alive): the lock, and the signal handlers.
    private readonly List<IDisposable> _heldForTheRun = [];

    public override void Setup(BuildContext context, ISetupContext info)
    {
        // Cake's dry run calls the setup too; it only lists tasks, so it neither takes the lock nor waits for it.
        if (context.Options.DryRun) return;
        if (info.TasksToExecute.All(t => WritesNothing.Contains(t.Name))) return;
        var layout = context.Artifacts;
        _heldForTheRun.Add(ArtifactsLock.Acquire(layout, $"--target={info.TargetTask.Name}", Patience(context), context.Clock,
            waiting => context.Log.Warning("{0}", waiting)));
        // Under the lock nothing else writes this cluster's files, so every temporary file there is left over;
        // the shared cache (downloads, compressed binaries) is shared with other clusters' runs, so there only those of
        // processes that are gone.
        var self = Environment.ProcessId;
        foreach (var left in TempFiles.Remove(layout.Cluster, _ => true, Path.GetFileName(layout.Nodes))
                     .Concat(TempFiles.Remove(layout.SharedCache, pid => pid == self || TempFiles.IsGone(pid))))
        {
            context.Log.Information("removed {0}, left behind by an interrupted run", left);
        }
        context.Applied.Start(info.TargetTask.Name);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _heldForTheRun.Add(PosixSignalRegistration.Create(signal, _ => TempFiles.Remove(layout, pid => pid == self)));
        }
    }

    // Targets that promise to write nothing under artifacts/, not even a lock file (PlanRunTests compares the tree).
    private static readonly string[] WritesNothing = ["Plan"];

    private static TimeSpan Patience(BuildContext context) =>
        context.Environment.GetEnvironmentVariable(ArtifactsLock.PatienceVariable) is { Length: > 0 } text
            ? int.TryParse(text, out var seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new ForgeError($"{ArtifactsLock.PatienceVariable}={text} is not a number of seconds; e.g. {ArtifactsLock.PatienceVariable}=300")
            : ArtifactsLock.DefaultPatience;
}
