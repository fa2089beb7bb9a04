namespace EtcdForge.Services;

// Decides what a member needs: nothing when it runs the deployed files, a restart when the files changed
// since it started, a start otherwise. A member with data rejoins as an existing member (etcd ignores the
// initial-cluster settings once its data dir holds a member).
public sealed class MemberStarter(EtcdService service, string fingerprint)
{
    public enum Action { None, Started, Rejoined, Restarted }

    public async Task<Action> StartAsync(CancellationToken ct)
    {
        var state = await service.StateAsync(ct);
        if (state.Running)
        {
            if (state.StartedFingerprint == fingerprint) return Action.None;
            await service.StopAsync(ct);
            await service.StartAsync(ct, fingerprint);
            return Action.Restarted;
        }
        await service.StartAsync(ct, fingerprint);
        return state.HasData ? Action.Rejoined : Action.Started;
    }

    public static string Describe(Action action) => action switch
    {
        Action.Started => "started as a new member",
        Action.Rejoined => "started again as an existing member (data dir kept)",
        Action.Restarted => "restarted: its files changed since it started",
        _ => "running with the deployed files",
    };
}
