using System.Net;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Decisions;

/// <summary>An allowed client socket: new connections from the VM's own address and local port to exactly this remote endpoint.</summary>
public sealed record OutboundGrant(IPAddress VmAddress, ushort LocalPort, SocketProtocol Protocol, IPAddress RemoteAddress, ushort RemotePort);
