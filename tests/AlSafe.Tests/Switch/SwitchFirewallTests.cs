using System.Collections.Concurrent;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;
using AlSafe.Interop.Switch;
using AlSafe.Tests.Rules;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;
using CoreConntrack = AlSafe.Core.Rules.Switch.ConntrackAction;

namespace AlSafe.Tests.Switch;

/// <summary>Changes, removals, refusals and reconciliations against a real ovs-vswitchd.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class SwitchFirewallTests
{
    private const string ForeignFlow = "cookie=0x99,table=7,priority=1,actions=drop";

    private static readonly FlowPlan Web = FlowPlanner.Plan(SampleGrants.Web);
    private static readonly FlowPlan Db = FlowPlanner.Plan(SwitchPlans.Ipv6Ranges);

    private readonly ConcurrentQueue<string> _log = new();
    private OvsInstance _ovs = null!;

    [OneTimeSetUp]
    public async Task StartSwitch() => _ovs = await SwitchOvs.StartAsync();

    [OneTimeTearDown]
    public async Task StopSwitch()
    {
        if (_ovs is not null)
        {
            await _ovs.DisposeAsync();
        }
    }

    [SetUp]
    public async Task ClearTable()
    {
        _log.Clear();
        await _ovs.OfctlAsync("del-flows");
    }

    [TearDown]
    public void ShowLog() => TestContext.Out.WriteLine(string.Join('\n', _log));

    [Test]
    public async Task Applying_a_plan_replaces_that_VMs_flows_and_no_other_cookies(CancellationToken cancellationToken)
    {
        await using var firewall = await StartedAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        await firewall.ApplyAsync(Db, cancellationToken);
        await _ovs.OfctlAsync("add-flow", ForeignFlow);
        var before = await SwitchTable.OfctlLinesAsync(_ovs);
        var changed = FlowPlanner.Plan(SwitchPlans.WithService(SampleGrants.Web, 8443) with { Outbound = [] });
        var diff = FlowPlanDiff.Compute(Web, changed);

        await firewall.ApplyAsync(changed, cancellationToken);

        var after = await SwitchTable.OfctlLinesAsync(_ovs);
        Assert.That(after.Where(line => !Owned(line, Web.Cookie)), Is.EqualTo(before.Where(line => !Owned(line, Web.Cookie))));
        Assert.That(after.Count(line => line.Contains("cookie=0x99,", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(new FlowPlan(Web.Cookie, await SwitchTable.FlowsAsync(_ovs, Web.Cookie, cancellationToken)), Is.EqualTo(changed));
        Assert.That(_log, Has.Some.Contains($"-{diff.Removed.Count} +{diff.Added.Count} flows"), "only the difference was sent");
    }

    [Test]
    public async Task Removing_a_VM_deletes_its_flows_only(CancellationToken cancellationToken)
    {
        await using var firewall = await StartedAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        await firewall.ApplyAsync(Db, cancellationToken);

        await firewall.RemoveAsync(Web.Cookie, cancellationToken);

        Assert.That(await SwitchTable.FlowsAsync(_ovs, Web.Cookie, cancellationToken), Is.Empty);
        Assert.That(new FlowPlan(Db.Cookie, await SwitchTable.FlowsAsync(_ovs, Db.Cookie, cancellationToken)), Is.EqualTo(Db));
        Assert.That(new FlowPlan(RuleCookie.Base, await SwitchTable.FlowsAsync(_ovs, RuleCookie.Base, cancellationToken)), Is.EqualTo(FlowPlanner.BasePlan()));
    }

    [Test]
    public async Task Staged_plans_replace_a_previous_daemons_flows_in_the_first_resynchronisation(CancellationToken cancellationToken)
    {
        // A previous daemon left its flows; the restarted one must swap them for the staged plans, never wipe them first.
        var oldWeb = FlowPlanner.Plan(SwitchPlans.WithService(SampleGrants.Web, 8443));
        await using (var previous = await StartedAsync(cancellationToken))
        {
            await previous.ApplyAsync(oldWeb, cancellationToken);
        }

        _log.Clear();
        await using var firewall = SwitchOvs.Firewall(_ovs, _log);
        firewall.Stage(Web);
        firewall.Stage(Db);
        Assert.That(await SwitchTable.FlowsAsync(_ovs, Web.Cookie, cancellationToken), Is.EquivalentTo(oldWeb.Flows), "staging touches nothing");

        await firewall.StartAsync(cancellationToken);

        Assert.That(firewall.Resynchronizations, Is.EqualTo(1));
        Assert.That(new FlowPlan(Web.Cookie, await SwitchTable.FlowsAsync(_ovs, Web.Cookie, cancellationToken)), Is.EqualTo(Web));
        Assert.That(new FlowPlan(Db.Cookie, await SwitchTable.FlowsAsync(_ovs, Db.Cookie, cancellationToken)), Is.EqualTo(Db));
        Assert.That(_log, Has.One.Contains("resynchronised: base plan and 2 VM plans"));
        Assert.That(_log, Has.None.Contains("replaced by").And.None.Contains("reconciled"), "no change but the one bundle");
        Assert.That(await firewall.ReconcileAsync(cancellationToken), Is.EqualTo(new ReconcileReport(0, 0, 0, 0, 0)));
    }

    [Test]
    public async Task The_base_plan_and_foreign_cookies_are_not_the_callers()
    {
        await using var firewall = SwitchOvs.Firewall(_ovs, _log);

        Assert.Throws<ArgumentException>(() => firewall.Stage(FlowPlanner.BasePlan()));
        Assert.ThrowsAsync<ArgumentException>(() => firewall.ApplyAsync(FlowPlanner.BasePlan(), CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => firewall.RemoveAsync(0x99, CancellationToken.None));
    }

    [Test]
    public async Task A_refused_flow_fails_the_change_whole_and_leaves_the_previous_flows(CancellationToken cancellationToken)
    {
        await using var firewall = await StartedAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        var before = await SwitchTable.OfctlLinesAsync(_ovs);
        var bad = WithConntrackedArp(FlowPlanner.Plan(SwitchPlans.WithService(SampleGrants.Web, 8443)), SampleGrants.Vm.OfPort, SampleGrants.Vm.Zone);

        var refused = Assert.ThrowsAsync<OpenFlowBundleException>(() => firewall.ApplyAsync(bad, cancellationToken))!;

        Assert.That(refused.Error.CodeName, Is.EqualTo("OFPBAC_MATCH_INCONSISTENT"));
        Assert.That(refused.FlowMod?.ToString(), Does.Contain("ct(table=1,zone=7)"));
        Assert.That(await SwitchTable.OfctlLinesAsync(_ovs), Is.EqualTo(before));

        // The refused plan stays desired: a reconciliation retries it, is refused again, and changes nothing.
        Assert.That(await firewall.ReconcileAsync(cancellationToken), Is.EqualTo(new ReconcileReport(2, 0, 0, 0, 1)));
        Assert.That(await SwitchTable.OfctlLinesAsync(_ovs), Is.EqualTo(before));

        await firewall.ApplyAsync(Db, cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        Assert.That(await SwitchTable.OfctlLinesAsync(_ovs), Is.SupersetOf(before));
        Assert.That(await firewall.ReconcileAsync(cancellationToken), Is.EqualTo(new ReconcileReport(0, 0, 0, 0, 0)));
    }

    [Test]
    public async Task A_resynchronisation_falls_back_for_a_refused_plan_and_fails_closed(CancellationToken cancellationToken)
    {
        await using var firewall = await StartedAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        Assert.ThrowsAsync<OpenFlowBundleException>(() => firewall.ApplyAsync(WithConntrackedArp(Web, SampleGrants.Vm.OfPort, SampleGrants.Vm.Zone), cancellationToken));
        var db = SwitchPlans.Ipv6Ranges.Vm;
        Assert.ThrowsAsync<OpenFlowBundleException>(() => firewall.ApplyAsync(WithConntrackedArp(Db, db.OfPort, db.Zone), cancellationToken));

        await firewall.ResynchronizeAsync(cancellationToken);

        // Web keeps the plan the switch last took; the new VM gets only its drop flows rather than no flows at all.
        Assert.That(new FlowPlan(Web.Cookie, await SwitchTable.FlowsAsync(_ovs, Web.Cookie, cancellationToken)), Is.EqualTo(Web));
        Assert.That(await SwitchTable.FlowsAsync(_ovs, Db.Cookie, cancellationToken), Is.EquivalentTo(Db.Flows.Where(flow => flow.Actions.Count == 0)));
        Assert.That(_log, Has.Some.Contains("installing its last accepted plan instead"));
        Assert.That(_log, Has.Some.Contains("installing only its drop flows instead"));
        Assert.That(firewall.Resynchronizations, Is.EqualTo(2));
    }

    [Test]
    public async Task A_reconciliation_repairs_drift_under_our_cookies_and_leaves_foreign_flows(CancellationToken cancellationToken)
    {
        await using var firewall = await StartedAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        await firewall.ApplyAsync(Db, cancellationToken);
        var ghost = RuleCookie.ForVm("ghost");
        await DeleteStrictAsync(Web.Flows.First(flow => flow.Table == FlowTable.Ingress && flow.Actions.Count == 2));
        await _ovs.OfctlAsync("add-flow", $"cookie=0x{Web.Cookie:x},table=3,priority=5,ct_zone=7,tcp,tp_dst=9999,actions=drop");
        await _ovs.OfctlAsync("add-flow", $"cookie=0x{ghost:x},table=0,priority=7,in_port=99,actions=drop");
        await _ovs.OfctlAsync("add-flow", ForeignFlow);

        var report = await firewall.ReconcileAsync(cancellationToken);

        Assert.That(report, Is.EqualTo(new ReconcileReport(Missing: 1, Extra: 2, Foreign: 1, Repaired: 2, Failed: 0)));
        Assert.That(new FlowPlan(Web.Cookie, await SwitchTable.FlowsAsync(_ovs, Web.Cookie, cancellationToken)), Is.EqualTo(Web));
        Assert.That(new FlowPlan(Db.Cookie, await SwitchTable.FlowsAsync(_ovs, Db.Cookie, cancellationToken)), Is.EqualTo(Db));
        Assert.That(await SwitchTable.FlowsAsync(_ovs, ghost, cancellationToken), Is.Empty);
        Assert.That(await SwitchTable.OfctlLinesAsync(_ovs), Has.One.StartsWith("cookie=0x99,"));
        Assert.That(await firewall.ReconcileAsync(cancellationToken), Is.EqualTo(new ReconcileReport(0, 0, 1, 0, 0)));
    }

    [Test]
    public async Task The_periodic_reconciliation_puts_back_a_deleted_flow(CancellationToken cancellationToken)
    {
        await using var firewall = SwitchOvs.Firewall(_ovs, _log, reconcileInterval: TimeSpan.FromMilliseconds(200));
        await firewall.StartAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);

        await DeleteStrictAsync(Web.Flows[0]);

        await SwitchOvs.WaitUntilAsync(async () => (await SwitchTable.FlowsAsync(_ovs, Web.Cookie, cancellationToken)).Count == Web.Flows.Count,
            TimeSpan.FromSeconds(20), "the deleted flow's return", cancellationToken);
        Assert.That(_log, Has.Some.Contains("1 missing"));
    }

    [Test]
    public async Task Concurrent_changes_of_many_VMs_all_land(CancellationToken cancellationToken)
    {
        await using var firewall = await StartedAsync(cancellationToken);
        var plans = Enumerable.Range(1, 24)
            .Select(i => FlowPlanner.Plan(SwitchPlans.WithService(
                SwitchPlans.Grants(SwitchPlans.Vm($"vm{i}", (uint)(100 + i), (ushort)(100 + i), $"52:54:00:00:01:{i:x2}", $"10.20.{i}.5"), [], []),
                (ushort)(1000 + i))))
            .ToList();

        await Task.WhenAll(plans.Select(plan => firewall.ApplyAsync(plan, cancellationToken)));

        var table = await SwitchTable.DumpAsync(_ovs, cancellationToken);
        Assert.Multiple(() =>
        {
            foreach (var plan in plans)
            {
                Assert.That(new FlowPlan(plan.Cookie, table.Where(flow => flow.Cookie == plan.Cookie).Select(FlowModMapper.ToFlow)), Is.EqualTo(plan));
            }
        });
    }

    private async Task<SwitchFirewall> StartedAsync(CancellationToken cancellationToken)
    {
        var firewall = SwitchOvs.Firewall(_ovs, _log);
        await firewall.StartAsync(cancellationToken);
        Assert.That(firewall.IsConnected);
        return firewall;
    }

    /// <summary>Deletes one flow behind the firewall's back, the way an operator would.</summary>
    private async Task DeleteStrictAsync(Flow flow)
    {
        var without = new FlowPlan(flow.Cookie, Web.Flows.Concat(Db.Flows).Where(other => other.Cookie == flow.Cookie && other != flow));
        var line = OfctlFormatter.Diff(FlowPlanDiff.Compute(new FlowPlan(flow.Cookie, [.. without.Flows, flow]), without)).Trim();
        await _ovs.OfctlAsync("del-flows", "--strict", line["delete_strict ".Length..]);
    }

    /// <summary>The plan and a flow the switch refuses: conntrack takes only IP, and this sends ARP into it.</summary>
    private static FlowPlan WithConntrackedArp(FlowPlan plan, uint ofPort, ushort zone) => new(plan.Cookie,
    [
        .. plan.Flows,
        new Flow(FlowTable.Source, 1, plan.Cookie, new FlowMatch { InPort = ofPort, EthType = EtherType.Arp }, [new CoreConntrack(false, zone, FlowTable.Egress)]),
    ]);

    private static bool Owned(string line, ulong cookie) => line.StartsWith($"cookie=0x{cookie:x},", StringComparison.Ordinal);
}
