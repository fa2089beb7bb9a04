using EtcdForge.Configuration;
using EtcdForge.Membership;
using EtcdForge.Pki;
using EtcdForge.Services;

namespace EtcdForge.Planning;

/// <summary>One thing a run does: Plan lists it (reports/plan.json), the target that carries it out records it
/// (reports/applied.json). The id names the task, the action and its subject, so the two lists compare one to one.
/// Steps inside a CA rotation carry the rotation's phase in front of the id ("phase1:...").</summary>
/// <param name="Why">what the step does and why, as Plan prints it after "would".</param>
/// <param name="Details">what the step would change in detail (the files a node would get), one line each.</param>
public sealed record PlanStep(string Id, string Task, string? Node, string Action, string Why, bool RestartsEtcd = false, bool DropsData = false,
    IReadOnlyList<string>? Details = null)
{
    /// <summary>Who does it: the node in brackets, or the task.</summary>
    public string Actor => Node is null ? Task : $"[{Node}]";

    // Every step's id and wording is made here, once, for Plan and for the task that carries it out.
    public static PlanStep Obtain(string what) => new("DownloadEtcd/obtain/etcd", "DownloadEtcd", null, "obtain", what);

    public static PlanStep Ca(PkiChange change) => Pki("InitCa", change);

    public static PlanStep Certificate(PkiChange change) => Pki("IssueCerts", change);

    /// <param name="why">why it is written: "with the new CA", or what in it changed.</param>
    public static PlanStep Bundle(string path, string why) =>
        new($"Package/write/{Path.GetFileName(path)}", "Package", null, "write", $"write {path} ({why})");

    public static PlanStep Image(string why) => new("Package/write/etcd-image", "Package", null, "write", $"write the etcd image ({why})");

    public static PlanStep Install(Node node, IReadOnlyList<string> changes) =>
        new($"DeployNodes/install/{node.Name}", "DeployNodes", node.Name, "install", $"install its bundle ({changes.Count} change(s))", Details: changes);

    public static PlanStep BackupFirst(string why) => new("DeployNodes/backup/before-upgrade", "DeployNodes", null, "backup", why);

    public static PlanStep Member(Node node, MemberAction action) => action switch
    {
        MemberAction.Restart => new($"BootstrapCluster/restart/{node.Name}", "BootstrapCluster", node.Name, "restart", action.Planned()!, RestartsEtcd: true),
        _ => new($"BootstrapCluster/{Verb(action)}/{node.Name}", "BootstrapCluster", node.Name, Verb(action), action.Planned()!),
    };

    public static PlanStep Upgrade(string node, EtcdVersion to) => new($"BootstrapCluster/upgrade/{node}", "BootstrapCluster", node, "upgrade",
        $"upgrade etcd to {to} at its turn (followers first, the leader last; new binaries staged beside the old until then)", RestartsEtcd: true);

    public static PlanStep Membership(MembershipChange change, bool confirmed) => change switch
    {
        AddMember { Learner: null } add => new($"BootstrapCluster/add-member/{add.Node.Name}", "BootstrapCluster", add.Node.Name, "add-member", add.Describe(confirmed)),
        AddMember add => new($"BootstrapCluster/promote-learner/{add.Node.Name}", "BootstrapCluster", add.Node.Name, "promote-learner", add.Describe(confirmed)),
        RemoveMember remove => new($"BootstrapCluster/remove-member/{(remove.Member.Name.Length > 0 ? remove.Member.Name : remove.Member.Hex)}", "BootstrapCluster", remove.Member.Name, "remove-member",
            remove.Describe(confirmed), DropsData: true),
        ReplaceMember replace => new($"ReplaceMember/replace-member/{replace.Node.Name}", "ReplaceMember", replace.Node.Name, "replace-member",
            replace.Describe(confirmed), RestartsEtcd: true, DropsData: true),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
    };

    public static PlanStep Rotation(string action, string why) => new($"RotateCa/{action}/ca", "RotateCa", null, action, why);

    /// <summary>The same step inside a phase of a CA rotation (its files and restarts recur in every phase).</summary>
    public PlanStep InPhase(string? phase) => phase is null ? this : this with { Id = $"{phase}:{Id}" };

    private static PlanStep Pki(string task, PkiChange change)
    {
        var action = change.Action switch
        {
            "created" => "create",
            "issued" => "issue",
            "reissued" => "reissue",
            "replaced" => "replace",
            PrivateKeyMode.Action => "tighten-mode",
            _ => change.Action,
        };
        var what = action switch
        {
            "tighten-mode" => $"set {change.File} to mode 0600",
            _ => $"{action} {change.File}",
        };
        return new($"{task}/{action}/{change.File}", task, null, action, what + (change.Reason is { } reason ? $" ({reason})" : ""));
    }

    private static string Verb(MemberAction action) => action switch
    {
        MemberAction.Start => "start",
        MemberAction.Rejoin => "rejoin",
        MemberAction.Restart => "restart",
        _ => "leave",
    };
}
