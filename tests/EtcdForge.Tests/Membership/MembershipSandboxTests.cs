using System.Text.Json;
using EtcdForge.Client;
using EtcdForge.Tests.EndToEnd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdForge.Tests.Membership;

// Membership changes on a real TLS sandbox cluster of its own (127.0.26.x), in order: 3 -> 5 -> 3 with a writer
// running throughout and the leader among the removed pair, a change refused while a member is unhealthy, and a
// member rebuilt by ReplaceMember after its data dir was deleted, and a change refused while etcd holds a real NOSPACE alarm.
public sealed class MembershipSandboxTests(MembershipSandbox sandbox) : IClassFixture<MembershipSandbox>
{
    private static readonly int[] Three = [1, 2, 3];
    private static readonly int[] Five = [1, 2, 3, 4, 5];

    [Fact]
    public async Task T1_scale_out_to_five_and_in_to_three_removing_the_leader_loses_no_acknowledged_write()
    {
        sandbox.ForgeSucceeds(Three, "--target=Verify");
        var firstPids = Three.Select(sandbox.PidOf).ToList();
        await using var writer = ContinuousWriter.Start(sandbox.Endpoints(Five), sandbox.Files.CaCert, sandbox.Files.ClientCert, sandbox.Files.ClientKey, "ef-membership");
        await writer.WaitForMoreAsync(20);

        // Plan shows both additions and makes neither; with --detailed-exitcode it says so by exiting 2.
        var plan = sandbox.Forge(Five, "--target=Plan", "--detailed-exitcode");
        Assert.True(plan.ExitCode == 2, plan.ToString());
        Assert.Contains("membership change 1 of 2: would add etcd4 as learner, then promote", plan.Output);
        Assert.Contains("membership change 2 of 2: would add etcd5 as learner, then promote", plan.Output);
        Assert.Equal(3, sandbox.MemberList(sandbox.Endpoints(Three)).Count);

        // Two changes in one edit: applied one at a time, each promoted before the next is added; Verify passes.
        var grow = sandbox.ForgeSucceeds(Five, "--target=Verify");
        Assert.Equal(firstPids, Three.Select(sandbox.PidOf).ToList()); // running members were not restarted
        var five = sandbox.MemberList(sandbox.Endpoints(Five));
        Assert.Equal(["etcd1", "etcd2", "etcd3", "etcd4", "etcd5"], five.Select(m => m.Name).Order());
        Assert.DoesNotContain(five, m => m.Learner);
        Assert.Equal(["add-learner etcd4", "promote etcd4", "add-learner etcd5", "promote etcd5"], sandbox.Log().Select(e => $"{e.Change} {e.Node}"));
        var grown = PlannedSteps.AssertAppliedAsPlanned(sandbox.Files);
        Assert.Equal(["BootstrapCluster/add-member/etcd4", "BootstrapCluster/add-member/etcd5"], grown.Where(s => s.StartsWith("BootstrapCluster/", StringComparison.Ordinal)));
        await writer.WaitForMoreAsync(20);

        // Scale in by two, the leader among them: refused without --yes, with the reason, and nothing removed.
        var leader = five.Single(m => m.Id == sandbox.LeaderId(sandbox.Endpoints(Five)));
        var leaderIndex = int.Parse(leader.Name["etcd".Length..]);
        var removed = new[] { leaderIndex, leaderIndex == 5 ? 4 : 5 };
        var kept = Five.Except(removed).ToArray();
        var refused = sandbox.Forge(kept, "--target=Verify");
        Assert.NotEqual(0, refused.ExitCode);
        var refusal = Assert.Single(refused.ErrorLines);
        Assert.Contains("not removed: removing it drops that member's data and leaves 4 voting members; add --yes to confirm", refusal);
        Assert.Equal(5, sandbox.MemberList(sandbox.Endpoints(Five)).Count);

        var shrinkPlan = sandbox.ForgeSucceeds(kept, "--target=Plan", "--yes");
        Assert.Contains(shrinkPlan.Lines, l => l.EndsWith($" of 2: would remove {leader.Name} (ID {leader.Id:x16}), stop its etcd and remove its files", StringComparison.Ordinal));
        var shrink = sandbox.ForgeSucceeds(kept, "--target=Verify", "--yes");
        var shrunk = PlannedSteps.AssertAppliedAsPlanned(sandbox.Files);
        Assert.Equal(removed.Order().Select(i => $"BootstrapCluster/remove-member/etcd{i}"), shrunk.Where(s => s.StartsWith("BootstrapCluster/", StringComparison.Ordinal)).Order());
        Assert.Contains($"[{leader.Name}] was the leader: leadership moved to", shrink.Output);
        var three = sandbox.MemberList(sandbox.Endpoints(kept));
        Assert.Equal(kept.Select(i => $"etcd{i}"), three.Select(m => m.Name).Order());
        Assert.DoesNotContain(three, m => m.Learner);
        foreach (var gone in removed) Assert.False(Directory.Exists(sandbox.NodeDir(gone)), $"etcd{gone}'s files are still there");
        Assert.Contains(sandbox.Log(), e => e.Change == "remove" && e.Node == leader.Name && e.MemberId == leader.Id.ToString("x16"));
        await writer.WaitForMoreAsync(20);

        var report = await writer.StopAsync();
        await report.AssertNoLossAsync(sandbox.Endpoints(kept), sandbox.Files.CaCert, sandbox.Files.ClientCert, sandbox.Files.ClientKey);

        // A second run changes nothing.
        var again = sandbox.ForgeSucceeds(kept, "--target=BootstrapCluster", "--yes");
        Assert.Contains("BootstrapCluster: nothing changed", again.Output);
        var settled = sandbox.Forge(kept, "--target=Plan", "--detailed-exitcode");
        Assert.True(settled.ExitCode == 0, settled.ToString());
        settled.PlannedNothing();
        sandbox.Keep(kept);
    }

    [Fact]
    public void T2_no_change_while_a_member_is_unhealthy()
    {
        var kept = sandbox.Kept;
        var frozen = sandbox.PidOf(kept[0])!.Value;
        var added = Five.Except(kept).First();
        ExternalTool.Succeed("kill", "-STOP", frozen.ToString());
        try
        {
            var refused = sandbox.Forge([.. kept, added], "--target=BootstrapCluster", "--bootstrap-timeout=3");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains($"etcd{kept[0]} not healthy", refused.Stderr);
            Assert.Contains($"membership changes not made while members are unhealthy: add etcd{added} as learner, then promote", refused.Stderr);
            Assert.DoesNotContain("   at ", refused.Stderr);
        }
        finally
        {
            ExternalTool.Succeed("kill", "-CONT", frozen.ToString());
        }
        var members = sandbox.MemberList(sandbox.Endpoints(kept));
        Assert.Equal(3, members.Count);
        Assert.DoesNotContain(members, m => m.Learner);
    }

    [Fact]
    public void T3_replace_member_rebuilds_a_member_whose_data_dir_was_deleted()
    {
        var kept = sandbox.Kept;
        var lost = kept[1];
        var before = sandbox.MemberList(sandbox.Endpoints(kept)).Single(m => m.Name == $"etcd{lost}");
        using (var member = System.Diagnostics.Process.GetProcessById(sandbox.PidOf(lost)!.Value)) { member.Kill(); member.WaitForExit(); }
        Directory.Delete(Path.Combine(sandbox.DataDir(lost), "member"), recursive: true);

        // BootstrapCluster reports it and points to ReplaceMember; it does not start it as a new member.
        var detected = sandbox.Forge(kept, "--target=BootstrapCluster");
        Assert.NotEqual(0, detected.ExitCode);
        Assert.Equal($"Error: etcd{lost}: the cluster lists it as member ID {before.Id:x16}, but its data dir is gone; rebuild it with --target=ReplaceMember --node=etcd{lost} --yes",
            Assert.Single(detected.ErrorLines));
        Assert.False(Directory.Exists(Path.Combine(sandbox.DataDir(lost), "member")));

        var unconfirmed = sandbox.Forge(kept, "--target=ReplaceMember", $"--node=etcd{lost}");
        Assert.NotEqual(0, unconfirmed.ExitCode);
        Assert.Contains("add --yes to confirm", Assert.Single(unconfirmed.ErrorLines));

        var plan = sandbox.ForgeSucceeds(kept, "--target=Plan", "--for=ReplaceMember", $"--node=etcd{lost}", "--yes");
        Assert.Contains(plan.Lines, l => l.StartsWith($"[etcd{lost}] would replace etcd{lost} (ID {before.Id:x16}): remove it, wipe its data dir", StringComparison.Ordinal));
        var replaced = sandbox.ForgeSucceeds(kept, "--target=ReplaceMember", $"--node=etcd{lost}", "--yes");
        Assert.Equal([$"ReplaceMember/replace-member/etcd{lost}"], PlannedSteps.AssertAppliedAsPlanned(sandbox.Files));
        Assert.Contains($"[etcd{lost}] promoted to voting member", replaced.Output);
        var after = sandbox.MemberList(sandbox.Endpoints(kept)).Single(m => m.Name == $"etcd{lost}");
        Assert.NotEqual(before.Id, after.Id);
        Assert.Equal(before.PeerUrl, after.PeerUrl);
        Assert.False(after.Learner);
        Assert.Contains(sandbox.Log(), e => e.Change == "replace" && e.MemberId == after.Id.ToString("x16") && e.OldMemberId == before.Id.ToString("x16"));
        sandbox.ForgeSucceeds(kept, "--target=Verify");
    }

    [Fact]
    public async Task T4_no_change_while_an_alarm_is_active()
    {
        var kept = sandbox.Kept;
        var added = Five.Except(kept).First();
        var endpoints = sandbox.Endpoints(kept);

        // 1 MB values until the backend reaches the description's quota and etcd raises NOSPACE itself.
        var filled = 0;
        using (var client = EtcdConnection.Open(endpoints, new TlsIdentity(sandbox.Files.CaCert, sandbox.Files.ClientCert, sandbox.Files.ClientKey)))
        {
            var value = ByteString.CopyFrom(new byte[1_000_000]);
            for (; filled <= 2 * MembershipSandbox.QuotaBytes / 1_000_000; filled++)
            {
                try
                {
                    await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"ef-fill/{filled}"), Value = value });
                }
                catch (RpcException e) when (e.Status.Detail.Contains("database space exceeded", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        Assert.Contains("alarm:NOSPACE", sandbox.Etcdctl(endpoints, "alarm", "list"));

        var refused = sandbox.Forge([.. kept, added], "--target=BootstrapCluster");
        Assert.NotEqual(0, refused.ExitCode);
        // Every member that hit the quota raised NOSPACE for itself: one or more "NOSPACE on member ID" in the list.
        Assert.Matches($@"^Error: add etcd{added} as learner, then promote: refused while an alarm is active \(NOSPACE on member [0-9a-f]{{16}}(; NOSPACE on member [0-9a-f]{{16}})*\); resolve it, disarm it \(etcdctl alarm disarm\) and re-run$",
            Assert.Single(refused.ErrorLines));
        Assert.Equal(kept.Select(i => $"etcd{i}"), sandbox.MemberList(endpoints).Select(m => m.Name).Order());

        // What the refusal says to do, with Debian's etcdctl: free the space, disarm, re-run; then the change is made.
        sandbox.Etcdctl(endpoints, "del", "ef-fill/", "--prefix");
        using (var status = JsonDocument.Parse(sandbox.Etcdctl(sandbox.Endpoint(kept[0]), "endpoint", "status", "-w", "json")))
        {
            sandbox.Etcdctl(endpoints, "compact", status.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").ToString(), "--physical");
        }
        sandbox.Etcdctl(endpoints, "defrag");
        sandbox.Etcdctl(endpoints, "alarm", "disarm");
        var rerun = sandbox.ForgeSucceeds([.. kept, added], "--target=Verify");
        Assert.Contains($"[etcd{added}] promoted to voting member", rerun.Output);
    }
}
