using AlSafe.Interop.Ovsdb;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Ovsdb;

public sealed class OvsdbReplicaProjectionTests
{
    private static readonly Guid BridgeT = Guid.NewGuid();
    private static readonly Guid BridgeX = Guid.NewGuid();
    private static readonly Guid Port1 = Guid.NewGuid();
    private static readonly Guid Port2 = Guid.NewGuid();
    private static readonly Guid Iface1 = Guid.NewGuid();
    private static readonly Guid Iface2 = Guid.NewGuid();
    private static readonly Guid Orphan = Guid.NewGuid();
    private static readonly Dictionary<Guid, string> NoMacs = [];

    [Test]
    public void Interfaces_are_projected_with_their_bridge_and_filtered_by_it()
    {
        var replica = Initial();

        var all = SwitchPortProjection.Project(replica, null, NoMacs).OrderBy(p => p.InterfaceName, StringComparer.Ordinal).ToList();
        var onT = SwitchPortProjection.Project(replica, "br-t", NoMacs);

        Assert.That(all.Select(p => (p.InterfaceName, p.Bridge, p.OfPort)),
            Is.EqualTo(new (string, string?, int?)[] { ("orphan", null, null), ("tap1", "br-t", 3), ("tap2", "br-x", null) }));
        Assert.That(onT.Single().ExternalIds["alsafe-vm"], Is.EqualTo("web1"));
        Assert.That(onT.Single().MacInUse, Is.EqualTo("fe:00:00:00:00:01"));
        Assert.That(onT.Single().Type, Is.EqualTo("internal"));
    }

    [Test]
    public void A_modify_keeps_the_columns_it_does_not_carry_and_a_delete_drops_the_row()
    {
        var replica = Initial();

        replica.Apply([new OvsdbRowUpdate("Interface", Iface1, new Dictionary<string, OvsdbDatum> { ["ofport"] = Integer(3) },
            new Dictionary<string, OvsdbDatum> { ["ofport"] = Integer(9) })]);
        replica.Apply([new OvsdbRowUpdate("Interface", Iface2, Interface("tap2", -1), null)]);

        var ports = SwitchPortProjection.Project(replica, null, NoMacs).OrderBy(p => p.InterfaceName, StringComparer.Ordinal).ToList();
        Assert.That(ports.Select(p => (p.InterfaceName, p.OfPort)), Is.EqualTo(new (string, int?)[] { ("orphan", null), ("tap1", 9) }));
        Assert.That(ports[1].ExternalIds, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_mac_in_use_forgotten_by_a_restarted_server_is_remembered_until_the_row_is_gone()
    {
        var before = SwitchPortProjection.RememberMacInUse(Initial(), NoMacs);
        var restarted = Initial();
        restarted.Apply([new OvsdbRowUpdate("Interface", Iface1, null, new Dictionary<string, OvsdbDatum> { ["mac_in_use"] = OvsdbDatum.Set() })]);
        restarted.Apply([new OvsdbRowUpdate("Interface", Iface2, Interface("tap2", -1), null)]);

        var ports = SwitchPortProjection.Project(restarted, "br-t", before);
        var after = SwitchPortProjection.RememberMacInUse(restarted, before);

        Assert.That(ports.Single().MacInUse, Is.EqualTo("fe:00:00:00:00:01"));
        Assert.That(after.Keys, Is.EquivalentTo(new[] { Iface1, Orphan }));
    }

    [Test]
    public void A_row_without_a_monitored_column_is_refused()
    {
        var replica = new OvsdbReplica();
        replica.Apply([Insert("Interface", Iface1, new Dictionary<string, OvsdbDatum> { ["name"] = Text("tap1") })]);

        Assert.Throws<OvsdbException>(() => SwitchPortProjection.Project(replica, null, NoMacs));
    }

    private static OvsdbReplica Initial()
    {
        var replica = new OvsdbReplica();
        replica.Apply(
        [
            Insert("Bridge", BridgeT, new() { ["name"] = Text("br-t"), ["ports"] = Uuids(Port1) }),
            Insert("Bridge", BridgeX, new() { ["name"] = Text("br-x"), ["ports"] = Uuids(Port2) }),
            Insert("Port", Port1, new() { ["name"] = Text("tap1"), ["interfaces"] = Uuids(Iface1) }),
            Insert("Port", Port2, new() { ["name"] = Text("tap2"), ["interfaces"] = Uuids(Iface2) }),
            Insert("Interface", Iface1, Interface("tap1", 3, ("alsafe-vm", "web1"))),
            Insert("Interface", Iface2, Interface("tap2", -1)),
            Insert("Interface", Orphan, Interface("orphan", null)),
        ]);
        return replica;
    }

    private static OvsdbRowUpdate Insert(string table, Guid uuid, Dictionary<string, OvsdbDatum> row) => new(table, uuid, null, row);

    private static Dictionary<string, OvsdbDatum> Interface(string name, long? ofPort, params (string Key, string Value)[] ids) => new()
    {
        ["name"] = Text(name),
        ["ofport"] = ofPort is { } n ? Integer(n) : OvsdbDatum.Set(),
        ["external_ids"] = OvsdbDatum.Map([.. ids.Select(p => KeyValuePair.Create(OvsdbAtom.FromString(p.Key), OvsdbAtom.FromString(p.Value)))]),
        ["mac_in_use"] = Text("fe:00:00:00:00:01"),
        ["type"] = Text("internal"),
    };

    private static OvsdbDatum Text(string value) => OvsdbDatum.Set(OvsdbAtom.FromString(value));

    private static OvsdbDatum Integer(long value) => OvsdbDatum.Set(OvsdbAtom.FromInteger(value));

    private static OvsdbDatum Uuids(params Guid[] uuids) => OvsdbDatum.Set([.. uuids.Select(OvsdbAtom.FromUuid)]);
}
