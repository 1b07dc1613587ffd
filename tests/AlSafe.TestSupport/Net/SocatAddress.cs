using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AlSafe.TestSupport.Net;

/// <summary>socat's address texts for the probes and servers (IPv6 addresses in brackets, options after commas).</summary>
internal static class SocatAddress
{
    /// <summary>A client address such as <c>TCP4:192.0.2.10:80,bind=...</c>: <paramref name="kind"/> TCP or UDP, then the
    /// family's digit and <paramref name="suffix"/> (<c>-SENDTO</c>).</summary>
    public static string Client(string kind, string suffix, IPAddress to, ushort port, IPAddress? bind, ushort? sourcePort, params string[] options)
    {
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"{kind}{Family(to)}{suffix}:{Host(to)}:{port}") };
        if (bind is not null)
            parts.Add("bind=" + Host(bind));
        if (sourcePort is { } source)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"sourceport={source}"));
        parts.AddRange(options);
        return string.Join(',', parts);
    }

    /// <summary>A dual-stack listening address (TCP6-LISTEN, UDP6-RECVFROM, UDP6-RECV): one server answers IPv4
    /// (as ::ffff:a.b.c.d) and IPv6.</summary>
    public static string Listen(string keyword, ushort port, params string[] options) =>
        string.Join(',', [string.Create(CultureInfo.InvariantCulture, $"{keyword}:{port}"), "ipv6only=0", .. options]);

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? "6" : "4";

    private static string Host(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
