using AlSafe.Core.Ports;
using AlSafe.Core.Rules;
using NUnit.Framework;

namespace AlSafe.Tests.Ports;

public sealed class VmPortResolverTests
{
    private static readonly Guid Instance = Guid.Parse("6f1c4a6e-3f59-4d8e-9c1a-0d2b3c4d5e6f");
    private readonly VmPortResolver _resolver = new();

    [Test]
    public void An_interface_without_vm_ids_is_not_a_vm_port()
    {
        var port = Iface.Port("br-int", 65534, "br-int", Iface.Ids(("iface-id", "x"), ("attached-mac", "52:54:00:00:00:01")));

        Assert.That(_resolver.Resolve(port), Is.Null);
    }

    [Test]
    public void Alsafe_vm_names_the_vm_and_attached_mac_is_preferred_over_mac_in_use()
    {
        var port = Iface.Port("tap1", 3, "br-int", Iface.Ids(("alsafe-vm", "web1"), ("attached-mac", "52:54:00:AB:00:01")),
            macInUse: "fe:54:00:ab:00:01");

        var binding = _resolver.Resolve(port)!.ToBinding()!;

        Assert.That(binding, Is.EqualTo(new VmPortBinding("web1", "52:54:00:ab:00:01", "tap1", "br-int", 3,
            MacAddress.Parse("52:54:00:ab:00:01"), null, null)));
    }

    [Test]
    public void Mac_in_use_is_the_mac_when_there_is_no_attached_mac_but_it_does_not_identify_the_nic()
    {
        var port = Iface.Port("tap1", 3, "br-int", Iface.Ids(("alsafe-vm", "web1")), macInUse: "fe:54:00:ab:00:01");

        var binding = _resolver.Resolve(port)!.ToBinding()!;

        Assert.That(binding.Mac, Is.EqualTo(MacAddress.Parse("fe:54:00:ab:00:01")));
        Assert.That(binding.Nic, Is.Empty);
    }

    [Test]
    public void Vm_uuid_names_the_vm_by_its_uuid_and_iface_id_names_the_nic()
    {
        var port = Iface.Port("tapab12", 7, "br-int",
            Iface.Ids(("vm-uuid", Instance.ToString().ToUpperInvariant()), ("iface-id", "ab12-cd"), ("attached-mac", "fa:16:3e:00:00:01")));

        var binding = _resolver.Resolve(port)!.ToBinding()!;

        Assert.That(binding.Vm, Is.EqualTo("6f1c4a6e-3f59-4d8e-9c1a-0d2b3c4d5e6f"));
        Assert.That(binding.VmUuid, Is.EqualTo(Instance));
        Assert.That(binding.Nic, Is.EqualTo("ab12-cd"));
        Assert.That(binding.IfaceId, Is.EqualTo("ab12-cd"));
    }

    [Test]
    public void A_lookup_turns_the_instance_uuid_into_the_vm_name()
    {
        var resolver = new VmPortResolver(uuid => uuid == Instance ? "instance-0000002a" : null);
        var port = Iface.Port("tap1", 7, "br-int", Iface.Ids(("vm-uuid", Instance.ToString())));

        Assert.That(resolver.Resolve(port)!.Vm, Is.EqualTo("instance-0000002a"));
    }

    [Test]
    public void Alsafe_vm_wins_over_vm_uuid()
    {
        var port = Iface.Port("tap1", 7, "br-int", Iface.Ids(("vm-uuid", Instance.ToString()), ("alsafe-vm", "web1")));

        var claim = _resolver.Resolve(port)!;

        Assert.That(claim.Vm, Is.EqualTo("web1"));
        Assert.That(claim.VmUuid, Is.EqualTo(Instance));
    }

    [TestCase("alsafe-vm", "", "alsafe-vm")]
    [TestCase("alsafe-vm", "web 1", "alsafe-vm")]
    [TestCase("alsafe-vm", "-web", "alsafe-vm")]
    [TestCase("alsafe-vm", "web1\nforged log line", "\\u000a")]
    [TestCase("vm-uuid", "not-a-uuid", "vm-uuid")]
    [TestCase("attached-mac", "52:54:00:00:00", "attached-mac")]
    [TestCase("attached-mac", "01:00:5e:00:00:01", "unicast")]
    [TestCase("iface-id", "two words", "iface-id")]
    public void Malformed_ids_refuse_the_interface(string key, string value, string reasonPart)
    {
        var ids = Iface.Ids(("alsafe-vm", "web1"));
        ids[key] = value;

        var claim = _resolver.Resolve(Iface.Port("tap1", 3, "br-int", ids))!;

        Assert.That(claim.Problem, Does.Contain(reasonPart));
        Assert.That(claim.Problem, Does.Not.Contain("\n"));
        Assert.That(claim.ToBinding(), Is.Null);
    }

    [Test]
    public void A_lookup_answer_that_is_not_a_vm_name_refuses_the_interface()
    {
        var resolver = new VmPortResolver(_ => "bad name");

        var claim = resolver.Resolve(Iface.Port("tap1", 7, "br-int", Iface.Ids(("vm-uuid", Instance.ToString()))))!;

        Assert.That(claim.Problem, Does.Contain("not a VM name"));
    }

    [TestCase(65534)]
    [TestCase(int.MaxValue)]
    public void A_reserved_ofport_refuses_the_interface(int ofPort)
    {
        var claim = _resolver.Resolve(Iface.Vm("tap1", "web1", ofPort))!;

        Assert.That(claim.Problem, Does.Contain("reserved"));
    }

    [Test]
    public void An_interface_without_an_ofport_yet_claims_its_vm_but_has_no_binding()
    {
        var claim = _resolver.Resolve(Iface.Vm("tap1", "web1", null))!;

        Assert.That(claim.Vm, Is.EqualTo("web1"));
        Assert.That(claim.Problem, Is.Null);
        Assert.That(claim.ToBinding(), Is.Null);
    }
}
