using EtcdForge.Nodes;

namespace EtcdForge.Services;

// What a member needs, decided in one place (Decide) from its state and the fingerprint of the files deployed
// for it: nothing when it runs those files, a start when it is stopped, a restart when its files changed since
// it started. BootstrapCluster carries the decision out; Plan shows it. A member with data rejoins as an existing
// member (etcd ignores the initial-cluster settings once its data dir holds a member). StartAsync leaves a restart
// to the caller, so that RollingRestart can pace the RestartAsync calls one member at a time.
public sealed class MemberStarter(EtcdService service, string fingerprint)
{
    // deployed: the fingerprint of the member's files; null when they are still to be built (Plan before
    // Package), which a running member cannot be running yet.
    public static MemberAction Decide(EtcdService.MemberState state, string? deployed) =>
        state.Running
            ? deployed is not null && state.StartedFingerprint == deployed ? MemberAction.Leave : MemberAction.Restart
            : state.HasData ? MemberAction.Rejoin : MemberAction.Start;

    // Plan's question: the decision from a read-only look at the member.
    public async Task<MemberAction> DecideAsync(CancellationToken ct) => Decide(await service.StateAsync(ct), fingerprint);

    /// <summary>Carries out a planned start or rejoin; a planned restart is left to the caller's rolling restart.
    /// The member is looked at again first: if it no longer needs what the plan says (someone started or stopped it
    /// since), nothing is done and the run stops, to be planned again.</summary>
    /// <returns>the planned action.</returns>
    public async Task<MemberAction> StartAsync(MemberAction planned, CancellationToken ct)
    {
        var now = Decide(await service.StateAsync(ct), fingerprint);
        if (now != planned)
        {
            throw new NodeError(service.NodeName, $"the plan was to {planned.ToString().ToLowerInvariant()} it, but it now needs " +
                                                  $"{now.ToString().ToLowerInvariant()}: it changed while this run went on; run again to plan afresh");
        }
        if (planned is MemberAction.Start or MemberAction.Rejoin) await service.StartAsync(ct, fingerprint);
        return planned;
    }

    public async Task RestartAsync(CancellationToken ct)
    {
        await service.StopAsync(ct);
        await service.StartAsync(ct, fingerprint);
    }
}

public enum MemberAction { Leave, Start, Rejoin, Restart }

public static class MemberActions
{
    // One line per member that could not be started, then what became of the others: a member left alone or due a
    // restart was left untouched (the restarts wait for every member to be healthy).
    public static void ThrowIfAnyFailed(IReadOnlyList<NodeFanOut.Run<MemberAction>> runs)
    {
        var failed = runs.Where(r => r.Failed).Select(r => r.Error!.Message).ToList();
        if (failed.Count == 0) return;
        var others = runs.Where(r => !r.Failed).ToList();
        var untouched = others.Where(r => r.Result is MemberAction.Leave or MemberAction.Restart).Select(r => r.Node.Name).ToList();
        var started = others.Where(r => r.Result is MemberAction.Start or MemberAction.Rejoin).Select(r => r.Node.Name).ToList();
        var message = string.Join(Environment.NewLine, failed);
        if (untouched.Count > 0) message += $"; left untouched: {string.Join(", ", untouched)}";
        if (started.Count > 0) message += $"; started: {string.Join(", ", started)}";
        throw new ForgeError(message);
    }

    // What Plan says it would do; null when there is nothing to do.
    public static string? Planned(this MemberAction action) => action switch
    {
        MemberAction.Start => "start etcd as a new member",
        MemberAction.Rejoin => "start etcd (rejoins with its data)",
        MemberAction.Restart => "restart etcd, one member at a time (its bundle changed since it started)",
        _ => null,
    };

    // What BootstrapCluster says it did.
    public static string Done(this MemberAction action) => action switch
    {
        MemberAction.Start => "started as a new member",
        MemberAction.Rejoin => "started again as an existing member (data dir kept)",
        MemberAction.Restart => "restarted with its new files; healthy again",
        _ => "running with the deployed files",
    };
}
