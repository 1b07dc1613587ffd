using System.Globalization;
using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Interop.Switch;

/// <summary>
/// The first packet of a connection that no grant of the VM allowed, as the switch reported it before dropping it: a
/// hint that the VM has a new socket its last introspection did not see, never a reason to allow anything.
/// </summary>
/// <param name="VmCookie">The cookie of the VM whose flow reported it (<c>RuleCookie.ForVm</c>).</param>
/// <param name="Direction"><see cref="TrafficDirection.Out"/> for a connection the VM opens (table 1),
/// <see cref="TrafficDirection.In"/> for one to the VM (table 3).</param>
/// <param name="Source">The packet's source address: the VM's own for <see cref="TrafficDirection.Out"/>.</param>
/// <param name="Destination">The packet's destination address: the VM's own for <see cref="TrafficDirection.In"/>.</param>
public sealed record NewConnection(
    ulong VmCookie,
    TrafficDirection Direction,
    SocketProtocol Protocol,
    IPAddress Source,
    ushort SourcePort,
    IPAddress Destination,
    ushort DestinationPort)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"VM cookie 0x{VmCookie:x} {Direction} {Protocol} {Format(Source, SourcePort)} -> {Format(Destination, DestinationPort)}");

    private static string Format(IPAddress address, ushort port) => new IPEndPoint(address, port).ToString();
}
