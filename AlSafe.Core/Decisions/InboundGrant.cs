using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// An allowed service: new connections from <paramref name="Remote"/> (and <paramref name="RemotePort"/>) to one of
/// the VM's own addresses, protocol and port. <paramref name="Remote"/> is always a concrete prefix of the VM
/// address's family (the whitelist's <c>*</c> becomes 0.0.0.0/0 or ::/0).
/// </summary>
public sealed record InboundGrant(IPAddress VmAddress, SocketProtocol Protocol, ushort Port, AddressPrefix Remote, PortRange RemotePort);
