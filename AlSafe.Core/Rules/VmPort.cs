using System.Net;

namespace AlSafe.Core.Rules;

/// <summary>
/// A protected VM as the node's switch and the edge see it: its switch port, its own MAC and addresses (the only ones
/// it may send from), the conntrack zone that keeps its connections apart from other VMs', and the OpenFlow cookie
/// every one of its flows carries so that they can be replaced or removed exactly.
/// </summary>
public sealed record VmPort(string Name, uint OfPort, MacAddress Mac, IReadOnlyList<IPAddress> Addresses, ushort Zone, ulong Cookie);
