using System.Collections.Concurrent;
using System.Globalization;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.Switch;
using AlSafe.Tests.Rules;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Switch;

/// <summary>The Port.protected mark the firewall keeps on the VM ports it guards, read back with ovs-vsctl from a real
/// switch's database.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class SwitchPortProtectionTests
{
    private const string VmTap = "web1-tap";
    private const string OtherTap = "other-tap";
    private const uint OtherOfPort = 6;

    private static readonly FlowPlan Web = FlowPlanner.Plan(SampleGrants.Web);

    /// <summary>A VM whose port is not on the bridge (yet).</summary>
    private static readonly FlowPlan Absent = FlowPlanner.Plan(SwitchPlans.MultipleRemotes);

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
    public async Task PlugPorts()
    {
        _log.Clear();
        await _ovs.OfctlAsync("del-flows");
        await PlugAsync(VmTap, SampleGrants.Vm.OfPort);
        await PlugAsync(OtherTap, OtherOfPort);
    }

    [TearDown]
    public void ShowLog() => TestContext.Out.WriteLine(string.Join('\n', _log));

    [Test]
    public async Task Applying_a_plan_marks_its_VM_port_protected_and_no_other(CancellationToken cancellationToken)
    {
        await using var firewall = SwitchOvs.Firewall(_ovs, _log, withDatabase: true);
        await firewall.StartAsync(cancellationToken);

        await firewall.ApplyAsync(Web, cancellationToken);
        await firewall.ApplyAsync(Absent, cancellationToken);

        Assert.That(await ProtectedAsync(VmTap), Is.EqualTo("true"));
        Assert.That(await ProtectedAsync(OtherTap), Is.EqualTo("false"));
        Assert.That(_log, Has.One.Contains($"port {VmTap} (ofport {SampleGrants.Vm.OfPort}) marked protected"));
        Assert.That(_log, Has.One.Contains($"ofport {SwitchPlans.MultipleRemotes.Vm.OfPort}: no interface on the bridge has it"));
        Assert.That(new FlowPlan(Absent.Cookie, await SwitchTable.FlowsAsync(_ovs, Absent.Cookie, cancellationToken)), Is.EqualTo(Absent),
            "a port that is not there does not hold its plan back");
    }

    [Test]
    public async Task Removing_the_plan_unmarks_the_port_it_marked(CancellationToken cancellationToken)
    {
        await using var firewall = SwitchOvs.Firewall(_ovs, _log, withDatabase: true);
        await firewall.StartAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);

        await firewall.RemoveAsync(Web.Cookie, cancellationToken);

        Assert.That(await ProtectedAsync(VmTap), Is.EqualTo("false"));
        Assert.That(_log, Has.One.Contains($"port {VmTap} no longer protected"));
    }

    [Test]
    public async Task A_recreated_port_is_marked_again_by_the_next_reconciliation(CancellationToken cancellationToken)
    {
        await using var firewall = SwitchOvs.Firewall(_ovs, _log, withDatabase: true);
        await firewall.StartAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);

        await PlugAsync(VmTap, SampleGrants.Vm.OfPort);
        var recreated = await ProtectedAsync(VmTap);
        await firewall.ReconcileAsync(cancellationToken);

        Assert.That(recreated, Is.EqualTo("false"), "a new Port row starts unprotected");
        Assert.That(await ProtectedAsync(VmTap), Is.EqualTo("true"));
    }

    [Test]
    public async Task Removing_the_plan_of_a_deleted_port_leaves_the_port_that_took_its_ofport(CancellationToken cancellationToken)
    {
        await using var firewall = SwitchOvs.Firewall(_ovs, _log, withDatabase: true);
        await firewall.StartAsync(cancellationToken);
        await firewall.ApplyAsync(Web, cancellationToken);
        await _ovs.VsctlAsync("del-port", _ovs.Bridge, VmTap);
        await PlugAsync("newcomer-tap", SampleGrants.Vm.OfPort);
        await _ovs.VsctlAsync("set", "port", "newcomer-tap", "protected=true");

        await firewall.RemoveAsync(Web.Cookie, cancellationToken);

        Assert.That(await ProtectedAsync("newcomer-tap"), Is.EqualTo("true"), "another row, marked by someone else");
        Assert.That(_log, Has.None.Contains("no longer protected"));
        await _ovs.VsctlAsync("del-port", _ovs.Bridge, "newcomer-tap");
    }

    /// <summary>Creates the port afresh (a new Port row) with the interface on <paramref name="ofPort"/>.</summary>
    private async Task PlugAsync(string name, uint ofPort)
    {
        var number = ofPort.ToString(CultureInfo.InvariantCulture);
        await _ovs.VsctlAsync("--if-exists", "del-port", _ovs.Bridge, name);
        await _ovs.VsctlAsync("add-port", _ovs.Bridge, name, "--", "set", "interface", name, "type=internal", "ofport_request=" + number);
        Assert.That((await _ovs.VsctlAsync("get", "interface", name, "ofport")).Trim(), Is.EqualTo(number), $"{name}'s ofport");
    }

    private async Task<string> ProtectedAsync(string port) => (await _ovs.VsctlAsync("get", "port", port, "protected")).Trim();
}
