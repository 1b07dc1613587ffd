using System.Globalization;
using System.Net;
using AlSafe.TestSupport.Edge;
using AlSafe.TestSupport.Net;

namespace AlSafe.TestSupport.Lab;

/// <summary>One-shot socat clients run in a namespace named with ip netns, each bounded by a couple of seconds.</summary>
internal static class NodeProbe
{
    /// <summary>How long a SYN or a datagram may go unanswered before the probe counts as dropped.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(2);

    // Far beyond the probe's own timeout: only a hung socat meets it.
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(10);

    /// <summary>True when a TCP handshake with <paramref name="to"/>:<paramref name="port"/> completes: socat sends
    /// nothing (its input is /dev/null) and succeeds once connected; refused or unanswered, it fails.</summary>
    public static async Task<bool> TcpHandshakeAsync(string networkNamespace, IPAddress to, ushort port, CancellationToken cancellationToken)
    {
        var target = SocatAddress.Client("TCP", "", to, port, null, null, "connect-timeout=" + SocatAddress.Seconds(AnswerTimeout));
        var result = await NetCommand.RunAsync("nsenter", Enter(networkNamespace, "socat", "-u", "OPEN:/dev/null", target), ProcessTimeout,
            cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>True when a datagram to <paramref name="to"/>:<paramref name="port"/> comes back (an echo server:
    /// the guest's <c>udp-echo</c> mode, a host's UDP echo server) within <see cref="AnswerTimeout"/>.</summary>
    public static async Task<bool> UdpEchoAsync(string networkNamespace, IPAddress to, ushort port, CancellationToken cancellationToken)
    {
        var token = string.Create(CultureInfo.InvariantCulture, $"alsafe-{Guid.NewGuid():n}");
        var wait = SocatAddress.Seconds(AnswerTimeout);
        var (_, output, _) = await EdgeLabCommand.RunAsync("nsenter",
            Enter(networkNamespace, "socat", "-T", wait, "-t", wait, "-", SocatAddress.Client("UDP", "", to, port, null, null)),
            token + "\n", ProcessTimeout, cancellationToken).ConfigureAwait(false);
        return output.Contains(token, StringComparison.Ordinal);
    }

    private static string[] Enter(string networkNamespace, params string[] command) => ["--net=/run/netns/" + networkNamespace, "--", .. command];
}
