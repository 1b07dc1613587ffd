using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// One element of the edge's nftables sets: connections between the VM's address and port and a remote prefix and
/// port range, opened by the VM (<see cref="TrafficDirection.Out"/>) or by the remote (<see cref="TrafficDirection.In"/>).
/// Outbound elements are always one exact five-tuple.
/// </summary>
public sealed record EdgeElement(
    TrafficDirection Direction,
    IPAddress VmAddress,
    SocketProtocol Protocol,
    ushort VmPort,
    AddressPrefix Remote,
    PortRange RemotePort)
{
    public override string ToString() => $"{NftFormatter.SetName(this)} {{ {NftFormatter.Element(this)} }}";
}
