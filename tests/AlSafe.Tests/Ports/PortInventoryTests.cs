using AlSafe.Core.Ports;
using NUnit.Framework;

namespace AlSafe.Tests.Ports;

public sealed class PortInventoryTests
{
    private const string Mac1 = "52:54:00:00:00:01";
    private const string Mac2 = "52:54:00:00:00:02";

    private PortInventory _inventory = null!;

    [SetUp]
    public void SetUp() => _inventory = new PortInventory(new VmPortResolver());

    [Test]
    public void A_vm_port_is_added_once_and_a_repeated_view_is_silent()
    {
        var added = _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);
        var again = _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        Assert.That(added, Is.EqualTo(new[] { new VmPortAdded(Binding("web1", "tap1", 3, Mac1)) }));
        Assert.That(again, Is.Empty);
        Assert.That(_inventory.Bindings, Is.EqualTo(new[] { Binding("web1", "tap1", 3, Mac1) }));
    }

    [Test]
    public void An_unplugged_port_is_removed()
    {
        _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        var events = _inventory.Update([]);

        Assert.That(events, Is.EqualTo(new[] { new VmPortRemoved(Binding("web1", "tap1", 3, Mac1)) }));
        Assert.That(_inventory.Bindings, Is.Empty);
    }

    [Test]
    public void A_nic_replugged_on_another_interface_moves()
    {
        _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        var events = _inventory.Update([Iface.Vm("tap9", "web1", 9, Mac1)]);

        Assert.That(events, Is.EqualTo(new[] { new VmPortMoved(Binding("web1", "tap1", 3, Mac1), Binding("web1", "tap9", 9, Mac1)) }));
    }

    [Test]
    public void A_new_ofport_or_bridge_moves_the_binding()
    {
        _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        var renumbered = _inventory.Update([Iface.Vm("tap1", "web1", 4, Mac1)]);
        var rebridged = _inventory.Update([Iface.Vm("tap1", "web1", 4, Mac1, bridge: "br-other")]);

        Assert.That(renumbered.Single(), Is.TypeOf<VmPortMoved>());
        Assert.That(((VmPortMoved)rebridged.Single()).New.Bridge, Is.EqualTo("br-other"));
    }

    [Test]
    public void A_port_waits_for_its_ofport_and_is_added_when_it_comes()
    {
        var plugged = _inventory.Update([Iface.Vm("tap1", "web1", null, Mac1)]);
        var still = _inventory.Update([Iface.Vm("tap1", "web1", null, Mac1)]);
        var assigned = _inventory.Update([Iface.Vm("tap1", "web1", 5, Mac1)]);

        Assert.That(plugged, Is.EqualTo(new[] { new VmPortPending("tap1", "web1") }));
        Assert.That(still, Is.Empty);
        Assert.That(assigned, Is.EqualTo(new[] { new VmPortAdded(Binding("web1", "tap1", 5, Mac1)) }));
    }

    [Test]
    public void A_port_that_loses_its_ofport_is_removed_and_waits_again()
    {
        _inventory.Update([Iface.Vm("tap1", "web1", 5, Mac1)]);

        var events = _inventory.Update([Iface.Vm("tap1", "web1", null, Mac1)]);

        Assert.That(events, Is.EqualTo(new PortEvent[]
        {
            new VmPortRemoved(Binding("web1", "tap1", 5, Mac1)),
            new VmPortPending("tap1", "web1"),
        }));
    }

    [Test]
    public void Interfaces_that_name_no_vm_are_ignored()
    {
        var events = _inventory.Update(
        [
            Iface.Port("br-int", 65534, "br-int", Iface.Ids(), type: "internal"),
            Iface.Port("patch-tun", 1, "br-int", Iface.Ids(("iface-id", "x")), type: "patch"),
        ]);

        Assert.That(events, Is.Empty);
        Assert.That(_inventory.Bindings, Is.Empty);
    }

    [Test]
    public void Renaming_the_vm_of_an_interface_removes_the_old_binding_and_adds_the_new()
    {
        _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        var events = _inventory.Update([Iface.Vm("tap1", "web2", 3, Mac1)]);

        Assert.That(events, Is.EqualTo(new PortEvent[]
        {
            new VmPortRemoved(Binding("web1", "tap1", 3, Mac1)),
            new VmPortAdded(Binding("web2", "tap1", 3, Mac1)),
        }));
    }

    [Test]
    public void A_port_number_given_up_is_released_before_another_vm_takes_it()
    {
        _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        var events = _inventory.Update([Iface.Vm("tap2", "db1", 3, Mac2)]);

        Assert.That(events, Is.EqualTo(new PortEvent[]
        {
            new VmPortRemoved(Binding("web1", "tap1", 3, Mac1)),
            new VmPortAdded(Binding("db1", "tap2", 3, Mac2)),
        }));
    }

    [Test]
    public void A_vm_may_have_several_nics_told_apart_by_iface_id()
    {
        var events = _inventory.Update(
        [
            Iface.Vm("tapb", "web1", 4, Mac2, ifaceId: "port-b"),
            Iface.Vm("tapa", "web1", 3, Mac1, ifaceId: "port-a"),
        ]);

        Assert.That(events.Cast<VmPortAdded>().Select(e => e.Binding.InterfaceName), Is.EqualTo(new[] { "tapa", "tapb" }));
    }

    [Test]
    public void Two_interfaces_claiming_the_same_nic_are_both_refused_until_one_is_gone()
    {
        var tap1 = Iface.Vm("tap1", "web1", 3);
        _inventory.Update([tap1]);

        var conflict = _inventory.Update([tap1, Iface.Vm("tap2", "web1", 4)]);
        var unchanged = _inventory.Update([tap1, Iface.Vm("tap2", "web1", 4)]);
        var resolved = _inventory.Update([tap1]);

        Assert.That(conflict, Has.Count.EqualTo(3));
        Assert.That(conflict[0], Is.EqualTo(new VmPortRemoved(Binding("web1", "tap1", 3, null))));
        Assert.That(conflict.Skip(1).Cast<VmPortRefused>().Select(r => r.InterfaceName), Is.EqualTo(new[] { "tap1", "tap2" }));
        Assert.That(((VmPortRefused)conflict[1]).Reason, Does.Contain("tap1, tap2").And.Contain("web1"));
        Assert.That(unchanged, Is.Empty);
        Assert.That(resolved, Is.EqualTo(new[] { new VmPortAdded(Binding("web1", "tap1", 3, null)) }));
    }

    [Test]
    public void A_conflict_counts_ports_still_waiting_for_their_ofport()
    {
        var events = _inventory.Update([Iface.Vm("tap1", "web1", 3), Iface.Vm("tap2", "web1", null)]);

        Assert.That(events, Has.All.TypeOf<VmPortRefused>());
        Assert.That(_inventory.Bindings, Is.Empty);
    }

    [Test]
    public void A_refusal_is_raised_again_only_when_its_reason_changes()
    {
        var first = _inventory.Update([Iface.Vm("tap1", "web 1", 3)]);
        var same = _inventory.Update([Iface.Vm("tap1", "web 1", 3)]);
        var other = _inventory.Update([Iface.Vm("tap1", "web1", 3, "zz")]);
        var fixedUp = _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        Assert.That(first.Single(), Is.TypeOf<VmPortRefused>());
        Assert.That(same, Is.Empty);
        Assert.That(((VmPortRefused)other.Single()).Reason, Does.Contain("attached-mac"));
        Assert.That(fixedUp, Is.EqualTo(new[] { new VmPortAdded(Binding("web1", "tap1", 3, Mac1)) }));
    }

    [Test]
    public void A_view_naming_one_interface_twice_is_refused_and_changes_nothing()
    {
        _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1)]);

        Assert.Throws<ArgumentException>(() => _inventory.Update([Iface.Vm("tap1", "web1", 3, Mac1), Iface.Vm("tap1", "web2", 4, Mac2)]));
        Assert.That(_inventory.Bindings, Is.EqualTo(new[] { Binding("web1", "tap1", 3, Mac1) }));
    }

    [Test]
    public void Replaying_the_events_of_random_views_gives_the_bindings_and_the_same_views_give_the_same_events()
    {
        var random = new Random(20_261_127);
        var twin = new PortInventory(new VmPortResolver());
        var replayed = new Dictionary<(string, string), VmPortBinding>();
        for (var step = 0; step < 2000; step++)
        {
            var view = RandomView(random);
            var events = _inventory.Update(view);
            Assert.That(twin.Update(view), Is.EqualTo(events), $"step {step}");
            foreach (var portEvent in events)
            {
                switch (portEvent)
                {
                    case VmPortAdded added:
                        Assert.That(replayed.TryAdd((added.Binding.Vm, added.Binding.Nic), added.Binding), $"step {step}: added twice");
                        break;
                    case VmPortRemoved removed:
                        Assert.That(replayed.Remove((removed.Binding.Vm, removed.Binding.Nic), out var had) && had == removed.Binding,
                            $"step {step}: removed what was not bound");
                        break;
                    case VmPortMoved moved:
                        Assert.That(replayed[(moved.Old.Vm, moved.Old.Nic)], Is.EqualTo(moved.Old), $"step {step}");
                        replayed[(moved.New.Vm, moved.New.Nic)] = moved.New;
                        break;
                }
            }

            Assert.That(replayed.Values.OrderBy(b => b.Vm, StringComparer.Ordinal).ThenBy(b => b.Nic, StringComparer.Ordinal),
                Is.EqualTo(_inventory.Bindings), $"step {step}");
        }
    }

    private static List<SwitchPort> RandomView(Random random)
    {
        string[] vms = ["web1", "web2", "db1", "bad name"];
        string?[] macs = [null, Mac1, Mac2];
        string?[] ifaceIds = [null, "port-a", "port-b"];
        var ofPorts = Enumerable.Range(1, 12).OrderBy(_ => random.Next()).ToList();
        var view = new List<SwitchPort>();
        for (var i = 0; i < 6; i++)
        {
            if (random.Next(3) == 0)
            {
                continue;
            }

            int? ofPort = random.Next(5) == 0 ? null : ofPorts[i];
            view.Add(random.Next(6) == 0
                ? Iface.Port($"tap{i}", ofPort, "br-int", Iface.Ids())
                : Iface.Vm($"tap{i}", vms[random.Next(vms.Length)], ofPort, macs[random.Next(macs.Length)],
                    ifaceIds[random.Next(ifaceIds.Length)], random.Next(8) == 0 ? "br-ex" : "br-int"));
        }

        return view;
    }

    private static VmPortBinding Binding(string vm, string iface, uint ofPort, string? mac) =>
        new(vm, mac ?? "", iface, "br-int", ofPort, mac is null ? null : AlSafe.Core.Rules.MacAddress.Parse(mac), null, null);
}
