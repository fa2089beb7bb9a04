namespace EtcdForge.Client;

// How long a check waits for one member's answer over a TLS connection of its own (Verify's status and KV calls, its
// TLS knocks, the served-certificate reads). A stopped member refuses at once; only a silent one waits this out.
// 5 s was too short: on a loaded machine (load 13-22 on 2 CPUs) live SSH-host members took 8-10 s to answer.
public static class MemberPatience
{
    public static readonly TimeSpan Answer = TimeSpan.FromSeconds(15);
}
