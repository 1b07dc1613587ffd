using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using static AlSafe.Core.Introspection.Model.SocketProtocol;
using static AlSafe.Core.Whitelist.TrafficDirection;
using static AlSafe.Tests.Decisions.Guest;
using static AlSafe.Tests.Decisions.Lines;

namespace AlSafe.Tests.Adaptation;

/// <summary>The tenant of the engine tests: nginx may serve 80 and 443, and what it serves is opened from anywhere.</summary>
internal static class WebGuest
{
    public const string Tenant = "tenant";

    public static TenantWhitelist Whitelist { get; } = WhitelistOf(Line(1, "nginx", Tcp, In, "80"), Line(2, "nginx", Tcp, In, "443"));

    /// <summary>nginx listening on every IPv4 address, on <paramref name="ports"/>. A port's socket keeps its inode
    /// from one connection list to the next, so it is the same socket to <see cref="Core.Adaptation.VerdictDelta"/>.</summary>
    public static GuestProcess Serving(params int[] ports) =>
        Nginx([.. ports.Select(port => Listener("0.0.0.0", port, inode: 10_000 + (ulong)port))]);

    /// <summary>What <see cref="Serving"/> opens on a VM owning <paramref name="address"/>.</summary>
    public static InboundGrant[] Inbound(string address, params int[] ports) =>
        [.. ports.Select(port => new InboundGrant(IPAddress.Parse(address), Tcp, (ushort)port, Prefix("0.0.0.0/0"), PortRange.Any))];
}
