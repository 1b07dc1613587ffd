using AlSafe.Core.Rules.Edge;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>The edge going wrong under a running node: sshd restarted, the table flushed or deleted by hand, a host
/// key that changed, an edge that cannot be reached. Each must be said in the log, and once it is over the edge must
/// hold exactly the node's elements again.</summary>
[CancelAfter(120_000)]
public sealed class EdgeRecoveryTests : EdgeLabTestBase
{
    [Test]
    public async Task Sshd_restarted_in_the_middle_of_updates_is_followed_by_a_full_resync()
    {
        var (firewall, log) = NewFirewall("n1");
        await StartAsync(firewall);
        var outcomes = new List<EdgeUpdateOutcome>();
        for (var round = 0; round < 12; round++)
        {
            if (round == 4)
            {
                await Lab.RestartSshdAsync();
            }

            var rules = EdgeSamples.Many("web", EdgeLab.Vm1, 20 + round, firstPort: 1000 + (round * 7));
            outcomes.Add((await firewall.ApplyAsync(rules)).Outcome);
        }

        await WaitForLogAsync(log, "connection lost");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await firewall.WaitForSynchronizationAsync(deadline.Token);

        Assert.That(outcomes, Has.None.EqualTo(EdgeUpdateOutcome.Refused));
        await AssertEdgeHoldsExactlyAsync(firewall);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.False);
    }

    [Test]
    public async Task A_table_and_sets_flushed_by_hand_are_found_and_repaired()
    {
        var (firewall, log) = NewFirewall("n1");
        await StartAsync(firewall);
        await firewall.ApplyAsync(EdgeSamples.Web);

        // flush table takes every rule and leaves the sets; flush set takes a set's elements.
        await Lab.NftAsync("flush", "table", "inet", "alsafe");
        await Lab.NftAsync("flush", "set", "inet", "alsafe", "svc4_n1");
        await Lab.NftAsync("flush", "set", "inet", "alsafe", "out4_n1");
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.True, "with no rules, nothing is dropped");
        var repair = await firewall.ReconcileAsync();

        Assert.That(repair.Findings, Has.Some.Contains("chain forward holds no rule"));
        Assert.That(repair.Findings, Has.Some.Contains("set svc4_n1: 2 of 2 expected elements missing"));
        Assert.That(repair.Findings, Has.Some.Contains("set out4_n1: 1 of 1 expected elements missing"));
        Assert.That(await WaitForLogAsync(log, "repaired (drift)"), Does.Contain("chain nodes has no jump to allow_n1"));
        await AssertEdgeHoldsExactlyAsync(firewall);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.False);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True);
    }

    [Test]
    public async Task A_set_flushed_by_hand_makes_the_next_update_repair_the_table()
    {
        var (firewall, log) = NewFirewall("n1");
        await StartAsync(firewall);
        await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80, 22));
        await Lab.NftAsync("flush", "set", "inet", "alsafe", "svc4_n1");

        // Deleting tcp/22's element, which the flush already took, makes nft refuse the transaction.
        var update = await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80));

        Assert.That(update.Outcome, Is.EqualTo(EdgeUpdateOutcome.Repaired));
        Assert.That(update.Error, Does.Contain("Error"));
        Assert.That(await WaitForLogAsync(log, "nft refused the transaction"), Does.Contain("reading the table back"));
        await AssertEdgeHoldsExactlyAsync(firewall);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True);
    }

    [Test]
    public async Task A_rebooted_edge_is_repaired_by_the_periodic_check()
    {
        var (firewall, log) = NewFirewall("n1", options => options with { ReconcileInterval = TimeSpan.FromMilliseconds(500) });
        await StartAsync(firewall);
        await firewall.ApplyAsync(EdgeSamples.Web);

        await Lab.DeleteTableAsync();

        Assert.That(await WaitForLogAsync(log, "repaired (periodic check)"), Does.Contain("table inet alsafe is missing"));
        await AssertEdgeHoldsExactlyAsync(firewall);
    }

    [Test]
    public async Task A_wrong_host_key_is_refused_and_nothing_is_written_until_the_right_one_is_back()
    {
        await Lab.RestartSshdAsync(otherHostKey: true);
        try
        {
            var (firewall, log) = NewFirewall("n1");
            await firewall.ApplyAsync(EdgeSamples.Web);
            firewall.Start();

            var refusal = await WaitForLogAsync(log, "refused");
            Assert.That(refusal, Does.Contain("lists another key for it").And.Contain("SHA256:").And.Contain(Lab.KnownHostsPath));
            await Task.Delay(1000);
            Assert.That(firewall.IsSynchronized, Is.False);
            Assert.That((await Lab.ReadTableAsync()).Exists, Is.False, "nothing may be written to a host that is not the edge");

            await Lab.RestartSshdAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await firewall.WaitForSynchronizationAsync(deadline.Token);
            await AssertEdgeHoldsExactlyAsync(firewall);
        }
        finally
        {
            await Lab.RestartSshdAsync();
        }
    }

    [Test]
    public async Task An_unreachable_edge_defers_updates_and_gets_them_all_once_it_is_back()
    {
        var (firewall, log) = NewFirewall("n1");
        await StartAsync(firewall);
        await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 22));

        await Lab.SetEdgeLinkAsync(up: false);
        try
        {
            var whileDown = await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80));
            Assert.That(whileDown.Outcome, Is.EqualTo(EdgeUpdateOutcome.Deferred));
            Assert.That(whileDown.Error, Does.Contain("timed out"));
            await WaitForLogAsync(log, "cannot connect to root@");
            var later = await firewall.ApplyAsync(EdgeSamples.Web);
            Assert.That(later.Outcome, Is.EqualTo(EdgeUpdateOutcome.Deferred));
        }
        finally
        {
            await Lab.SetEdgeLinkAsync(up: true);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await firewall.WaitForSynchronizationAsync(deadline.Token);
        await AssertEdgeHoldsExactlyAsync(firewall);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.False);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True);
    }
}
