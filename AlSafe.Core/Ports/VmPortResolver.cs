using System.Globalization;
using AlSafe.Core.Rules;

namespace AlSafe.Core.Ports;

/// <summary>
/// Reads which VM NIC an interface belongs to from the external_ids its plugger wrote. The convention, first match:
/// <list type="bullet">
/// <item><c>alsafe-vm</c>: the VM's name, set explicitly by the operator of AL-SAFE (or its lab).</item>
/// <item><c>vm-uuid</c>: the instance UUID Nova and libvirt write; the VM's name is what the lookup given to the
/// constructor says, else the UUID itself in lower-case 8-4-4-4-12 form.</item>
/// </list>
/// An interface with neither is not a VM port and is left alone. <c>iface-id</c> (Neutron's port id) tells a VM's
/// NICs apart and names the port in logs; <c>attached-mac</c> is the VM's own MAC and is preferred over mac_in_use,
/// which on a tap is the host side's. Malformed ids refuse the interface rather than guess: it stays unbound, and an
/// unbound port gets no allow rules.
/// </summary>
public sealed class VmPortResolver
{
    public const string VmNameKey = "alsafe-vm";
    public const string VmUuidKey = "vm-uuid";
    public const string IfaceIdKey = "iface-id";
    public const string AttachedMacKey = "attached-mac";

    /// <summary>VM names: <c>[A-Za-z0-9][A-Za-z0-9._-]{0,63}</c>, so that they are safe in logs, journal fields and
    /// file names. A UUID fits.</summary>
    public const int MaxVmNameLength = 64;

    /// <summary>iface-id: printable ASCII without spaces, up to this length (Neutron writes UUIDs, OVN names).</summary>
    public const int MaxIfaceIdLength = 128;

    /// <summary>The highest OpenFlow number of a real port; above it (LOCAL, CONTROLLER...) are reserved ones.</summary>
    public const int MaxOfPort = 0xfeff;

    private readonly Func<Guid, string?>? _instanceName;

    /// <param name="instanceName">Maps a Nova instance UUID to the VM's name; null, or a null answer, keeps the UUID.
    /// It must answer the same for the same UUID, or the inventory sees the VM renamed.</param>
    public VmPortResolver(Func<Guid, string?>? instanceName = null) => _instanceName = instanceName;

    /// <summary>The claim the interface makes, or null when it names no VM.</summary>
    public VmPortClaim? Resolve(SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        var ids = port.ExternalIds;
        var named = ids.TryGetValue(VmNameKey, out var vmName);
        var hasUuid = ids.TryGetValue(VmUuidKey, out var uuidText);
        if (!named && !hasUuid)
        {
            return null;
        }

        var problems = new List<string>();
        Guid? vmUuid = null;
        if (hasUuid)
        {
            if (Guid.TryParseExact(uuidText, "D", out var parsed))
            {
                vmUuid = parsed;
            }
            else
            {
                problems.Add($"{VmUuidKey} {PortText.Quote(uuidText!)} is not a UUID");
            }
        }

        string? vm = null;
        if (named)
        {
            vm = IsVmName(vmName) ? vmName : null;
            if (vm is null)
            {
                problems.Add($"{VmNameKey} {PortText.Quote(vmName!)} is not a VM name ([A-Za-z0-9][A-Za-z0-9._-]{{0,{MaxVmNameLength - 1}}})");
            }
        }
        else if (vmUuid is { } uuid)
        {
            var looked = _instanceName?.Invoke(uuid);
            vm = looked is null || IsVmName(looked) ? looked ?? uuid.ToString("D", CultureInfo.InvariantCulture) : null;
            if (vm is null)
            {
                problems.Add($"instance {uuid:D} maps to {PortText.Quote(looked!)}, which is not a VM name");
            }
        }

        string? ifaceId = null;
        if (ids.TryGetValue(IfaceIdKey, out var ifaceText))
        {
            ifaceId = IsIfaceId(ifaceText) ? ifaceText : null;
            if (ifaceId is null)
            {
                problems.Add($"{IfaceIdKey} {PortText.Quote(ifaceText)} is not a port id");
            }
        }

        MacAddress? mac = null;
        string? attachedMac = null;
        if (ids.TryGetValue(AttachedMacKey, out var macText))
        {
            if (MacAddress.TryParse(macText, out var parsed) && !parsed.IsMulticast)
            {
                mac = parsed;
                attachedMac = parsed.ToString();
            }
            else
            {
                problems.Add($"{AttachedMacKey} {PortText.Quote(macText)} is not a unicast MAC address");
            }
        }
        else if (port.MacInUse is { } inUse && MacAddress.TryParse(inUse, out var parsed) && !parsed.IsMulticast)
        {
            mac = parsed;
        }

        if (port.OfPort > MaxOfPort)
        {
            problems.Add($"ofport {port.OfPort} is a reserved OpenFlow port");
        }

        return new VmPortClaim(port, vm, ifaceId ?? attachedMac ?? "", mac, vmUuid, ifaceId,
            problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static bool IsVmName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxVmNameLength || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIfaceId(string id) =>
        id.Length is > 0 and <= MaxIfaceIdLength && id.All(c => c is > ' ' and <= '~');
}
