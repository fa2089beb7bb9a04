using dotnet_etcd;
using Etcdserverpb;

namespace EtcdForge.Client;

// The cluster's active alarms, one "NOSPACE on member <id>" per alarm: named as etcd's rpc.proto and etcdctl name
// them (NOSPACE, CORRUPT), not as the generated C# enum spells them (Nospace).
public static class EtcdAlarms
{
    public static async Task<IReadOnlyList<string>> ListAsync(EtcdClient client, DateTime deadline, CancellationToken ct)
    {
        var response = await client.AlarmAsync(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, deadline: deadline, cancellationToken: ct);
        return [.. response.Alarms.Select(a => $"{NameOf(a.Alarm)} on member {a.MemberID:x16}")];
    }

    public static string NameOf(AlarmType alarm) =>
        AlarmMember.Descriptor.FindFieldByName("alarm").EnumType.FindValueByNumber((int)alarm)?.Name ?? alarm.ToString();
}
