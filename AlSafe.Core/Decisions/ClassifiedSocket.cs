using System.Net;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// How one socket uses the network, with its addresses as they travel on the wire: an IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d) is the IPv4 address it maps.
/// </summary>
/// <param name="Reason">Why an idle socket uses no network, or why an implausible one is discarded; null otherwise.</param>
public readonly record struct ClassifiedSocket(SocketRole Role, IPAddress Local, IPAddress Remote, string? Reason)
{
    /// <summary>The whitelist direction the socket is judged against; null when it is idle or implausible.</summary>
    public TrafficDirection? Direction => Role switch
    {
        SocketRole.Server or SocketRole.Accepted => TrafficDirection.In,
        SocketRole.Client => TrafficDirection.Out,
        _ => null,
    };
}
