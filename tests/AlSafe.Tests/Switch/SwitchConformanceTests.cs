using System.Collections.Concurrent;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.Switch;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Switch;

/// <summary>
/// The native path and the operator's path give the same table: plans installed by <see cref="SwitchFirewall"/> on
/// one switch, and <c>ovs-ofctl add-flows</c> of <see cref="OfctlFormatter"/>'s text on another, dump identically.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class SwitchConformanceTests
{
    private OvsInstance _native = null!;
    private OvsInstance _ofctl = null!;
    private string _file = null!;

    [OneTimeSetUp]
    public async Task StartSwitches()
    {
        _native = await SwitchOvs.StartAsync();
        _ofctl = await OvsInstance.StartAsync();
        _file = Path.Combine(_ofctl.Directory, "plans.txt");
        await File.WriteAllTextAsync(_file, string.Concat(SwitchPlans.All.Select(OfctlFormatter.Plan)));
        await _ofctl.OfctlAsync("add-flows", _file);
    }

    [OneTimeTearDown]
    public async Task StopSwitches()
    {
        foreach (var ovs in new[] { _native, _ofctl })
        {
            if (ovs is not null)
            {
                await ovs.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task The_firewalls_table_dumps_exactly_as_ovs_ofctl_add_flows_of_the_plans_text(CancellationToken cancellationToken)
    {
        var log = new ConcurrentQueue<string>();
        await using var firewall = SwitchOvs.Firewall(_native, log);
        await firewall.StartAsync(cancellationToken);
        foreach (var plan in SwitchPlans.All.Skip(1))
        {
            await firewall.ApplyAsync(plan, cancellationToken);
        }

        var native = await SwitchTable.OfctlLinesAsync(_native);
        var ofctl = await SwitchTable.OfctlLinesAsync(_ofctl);

        Assert.That(native, Has.Count.EqualTo(SwitchPlans.All.Sum(plan => plan.Flows.Count)));
        Assert.That(native, Is.EqualTo(ofctl));
    }

    [Test]
    public async Task Flows_installed_by_ovs_ofctl_read_back_natively_as_the_plans(CancellationToken cancellationToken)
    {
        var table = await SwitchTable.DumpAsync(_ofctl, cancellationToken);

        Assert.Multiple(() =>
        {
            foreach (var plan in SwitchPlans.All)
            {
                var flows = table.Where(flow => flow.Cookie == plan.Cookie).Select(FlowModMapper.ToFlow);
                Assert.That(new FlowPlan(plan.Cookie, flows), Is.EqualTo(plan), $"cookie 0x{plan.Cookie:x}");
            }
        });
    }
}
