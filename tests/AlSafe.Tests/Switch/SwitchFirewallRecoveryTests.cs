using System.Collections.Concurrent;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.Ovsdb;
using AlSafe.Interop.Switch;
using AlSafe.Tests.Rules;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Switch;

/// <summary>What the firewall does when the switch forgets its table: a restart of ovs-vswitchd, a bridge that is not
/// fail_mode=secure. Each test has a switch of its own, since each breaks it.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class SwitchFirewallRecoveryTests
{
    private static readonly FlowPlan Web = FlowPlanner.Plan(SampleGrants.Web);
    private static readonly FlowPlan Db = FlowPlanner.Plan(SwitchPlans.Ipv6Ranges);

    private readonly ConcurrentQueue<string> _log = new();

    [TearDown]
    public void ShowLog()
    {
        TestContext.Out.WriteLine(string.Join('\n', _log));
        _log.Clear();
    }

    [Test]
    public async Task After_ovs_vswitchd_restarts_the_plans_are_back_within_one_resynchronisation(CancellationToken cancellationToken)
    {
        await using var ovs = await SwitchOvs.StartAsync();
        await using var firewall = SwitchOvs.Firewall(ovs, _log, withDatabase: true);
        await firewall.StartAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        await firewall.ApplyAsync(Db, cancellationToken);
        var installed = await SwitchTable.OfctlLinesAsync(ovs);
        var resynchronisations = firewall.Resynchronizations;

        await OvsSwitchControl.RestartSwitchAsync(ovs, cancellationToken);
        await SwitchOvs.WaitUntilAsync(() => Task.FromResult(firewall.Resynchronizations > resynchronisations),
            TimeSpan.FromSeconds(30), "a resynchronisation after the restart", cancellationToken);

        Assert.That(firewall.Resynchronizations, Is.EqualTo(resynchronisations + 1));
        Assert.That(firewall.IsConnected);
        Assert.That(await SwitchTable.OfctlLinesAsync(ovs), Is.EqualTo(installed));
        Assert.That(_log, Has.Some.Contains("lost the switch"));
        Assert.That(await firewall.ReconcileAsync(cancellationToken), Is.EqualTo(new ReconcileReport(0, 0, 0, 0, 0)));
    }

    [Test]
    public async Task A_change_while_the_switch_is_away_is_installed_when_it_returns(CancellationToken cancellationToken)
    {
        await using var ovs = await SwitchOvs.StartAsync();
        await using var firewall = SwitchOvs.Firewall(ovs, _log);
        await firewall.StartAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        var resynchronisations = firewall.Resynchronizations;

        await OvsSwitchControl.KillSwitchAsync(ovs, cancellationToken);
        await SwitchOvs.WaitUntilAsync(() => Task.FromResult(!firewall.IsConnected), TimeSpan.FromSeconds(10), "the loss noticed", cancellationToken);
        Assert.ThrowsAsync<AlSafe.Interop.OpenFlow.OpenFlowException>(() => firewall.ApplyAsync(Db, cancellationToken));
        Assert.ThrowsAsync<AlSafe.Interop.OpenFlow.OpenFlowException>(() => firewall.RemoveAsync(Web.Cookie, cancellationToken));
        await OvsSwitchControl.StartSwitchAsync(ovs, cancellationToken);
        await SwitchOvs.WaitUntilAsync(() => Task.FromResult(firewall.Resynchronizations > resynchronisations),
            TimeSpan.FromSeconds(30), "a resynchronisation after the restart", cancellationToken);

        Assert.That(await SwitchTable.FlowsAsync(ovs, Web.Cookie, cancellationToken), Is.Empty);
        Assert.That(new FlowPlan(Db.Cookie, await SwitchTable.FlowsAsync(ovs, Db.Cookie, cancellationToken)), Is.EqualTo(Db));
    }

    [TestCase("set", "fail_mode=standalone")]
    [TestCase("clear", "fail_mode")]
    public async Task Starting_makes_the_bridge_secure_before_installing(string verb, string column, CancellationToken cancellationToken)
    {
        await using var ovs = await SwitchOvs.StartAsync();
        string[] command = verb == "set" ? ["set", "bridge", ovs.Bridge, column] : ["clear", "bridge", ovs.Bridge, column];
        await ovs.VsctlAsync(command);
        await using var firewall = SwitchOvs.Firewall(ovs, _log, withDatabase: true);

        await firewall.StartAsync(cancellationToken);

        Assert.That((await ovs.VsctlAsync("get", "bridge", ovs.Bridge, "fail_mode")).Trim(), Is.EqualTo("secure"));
        Assert.That(_log, Has.Some.Contains("set to secure"));
        Assert.That(new FlowPlan(RuleCookie.Base, await SwitchTable.FlowsAsync(ovs, RuleCookie.Base, cancellationToken)), Is.EqualTo(FlowPlanner.BasePlan()));
        Assert.That(await firewall.ReconcileAsync(cancellationToken), Is.EqualTo(new ReconcileReport(0, 0, 0, 0, 0)), "no NORMAL fallback flow left");
        await using var database = await OvsdbClient.ConnectAsync(OvsdbEndpoint.Unix(OvsdbServerControl.DatabaseSocket(ovs)), cancellationToken: cancellationToken);
        Assert.That(await OvsdbBridgeSettings.ReadFailModeAsync(database, ovs.Bridge, cancellationToken), Is.EqualTo(OvsdbBridgeSettings.SecureFailMode));
        Assert.That(await OvsdbBridgeSettings.EnsureSecureFailModeAsync(database, ovs.Bridge, TimeSpan.FromSeconds(10), cancellationToken: cancellationToken), Is.False);
    }
}
