using AlSafe.Core.Ports;

namespace AlSafe.Tests.Ports;

/// <summary>Synthetic interfaces for the inventory and resolver tests.</summary>
internal static class Iface
{
    public static SwitchPort Vm(string name, string vm, int? ofPort, string? mac = null, string? ifaceId = null,
        string bridge = "br-int") =>
        Port(name, ofPort, bridge, Ids((VmPortResolver.VmNameKey, vm), (VmPortResolver.AttachedMacKey, mac), (VmPortResolver.IfaceIdKey, ifaceId)));

    public static SwitchPort Port(string name, int? ofPort, string? bridge, IReadOnlyDictionary<string, string> ids,
        string? macInUse = null, string type = "") =>
        new(name, bridge, ofPort, ids, macInUse, type);

    public static Dictionary<string, string> Ids(params (string Key, string? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
}
