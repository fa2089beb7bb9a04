using EtcdForge.Client;
using Etcdserverpb;

namespace EtcdForge.Tests.Client;

public sealed class EtcdAlarmsTests
{
    // Refusals quote the alarm as etcdctl alarm list shows it ("alarm:NOSPACE"), so an operator can search for it.
    [Theory]
    [InlineData(AlarmType.Nospace, "NOSPACE")]
    [InlineData(AlarmType.Corrupt, "CORRUPT")]
    public void Alarms_are_named_as_etcd_names_them(AlarmType alarm, string etcdName) =>
        Assert.Equal(etcdName, EtcdAlarms.NameOf(alarm));
}
