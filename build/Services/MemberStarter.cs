using EtcdForge.Nodes;

namespace EtcdForge.Services;

// Decides what a member needs: nothing when it runs the deployed files, a start when it is stopped, and a
// restart when its files changed since it started. A member with data rejoins as an existing member (etcd
// ignores the initial-cluster settings once its data dir holds a member). StartAsync only reports a restart as
// due, so that RollingRestart can pace the RestartAsync calls one member at a time.
public sealed class MemberStarter(EtcdService service, string fingerprint)
{
    public enum Action { None, Started, Rejoined, RestartDue }

    public async Task<Action> StartAsync(CancellationToken ct)
    {
        var state = await service.StateAsync(ct);
        if (state.Running) return state.StartedFingerprint == fingerprint ? Action.None : Action.RestartDue;
        await service.StartAsync(ct, fingerprint);
        return state.HasData ? Action.Rejoined : Action.Started;
    }

    public async Task RestartAsync(CancellationToken ct)
    {
        await service.StopAsync(ct);
        await service.StartAsync(ct, fingerprint);
    }

    // One line per member that could not be started, then what became of the others.
    public static void ThrowIfAnyFailed(IReadOnlyList<NodeFanOut.Run<Action>> runs)
    {
        var failed = runs.Where(r => r.Failed).Select(r => r.Error).ToList();
        if (failed.Count == 0) return;
        var others = runs.Where(r => !r.Failed).ToList();
        var untouched = others.Where(r => r.Result is Action.None or Action.RestartDue).Select(r => r.Node.Name).ToList();
        var started = others.Where(r => r.Result is Action.Started or Action.Rejoined).Select(r => r.Node.Name).ToList();
        var message = string.Join(Environment.NewLine, failed);
        if (untouched.Count > 0) message += $"; left untouched: {string.Join(", ", untouched)}";
        if (started.Count > 0) message += $"; started: {string.Join(", ", started)}";
        throw new ForgeError(message);
    }

    public static string Describe(Action action) => action switch
    {
        Action.Started => "started as a new member",
        Action.Rejoined => "started again as an existing member (data dir kept)",
        Action.RestartDue => "files changed since it started: restart due",
        _ => "running with the deployed files",
    };
}
