using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AlSafe.Interop.Ovsdb;

/// <summary>Where the database listens, in Open vSwitch's own notation: <c>unix:PATH</c> or <c>tcp:HOST:PORT</c>
/// (an IPv6 host in brackets). A bare path is taken as a unix socket.</summary>
public sealed record OvsdbEndpoint
{
    /// <summary>Where Debian's openvswitch-switch puts the database's socket.</summary>
    public const string DefaultSocketPath = "/var/run/openvswitch/db.sock";

    private OvsdbEndpoint(string text, EndPoint address)
    {
        Text = text;
        Address = address;
    }

    public static OvsdbEndpoint Default { get; } = Unix(DefaultSocketPath);

    /// <summary>The endpoint as Open vSwitch writes it, such as <c>unix:/run/openvswitch/db.sock</c>.</summary>
    public string Text { get; }

    public EndPoint Address { get; }

    public static OvsdbEndpoint Unix(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new OvsdbEndpoint("unix:" + path, new UnixDomainSocketEndPoint(path));
    }

    public static OvsdbEndpoint Tcp(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        var endPoint = new IPEndPoint(address, port);
        return new OvsdbEndpoint("tcp:" + endPoint, endPoint);
    }

    /// <exception cref="FormatException">Neither unix:PATH, tcp:ADDRESS:PORT nor a path.</exception>
    public static OvsdbEndpoint Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            return text.Length > 5 ? Unix(text[5..]) : throw new FormatException("'unix:' names no socket path");
        }

        if (text.StartsWith("tcp:", StringComparison.Ordinal))
        {
            return IPEndPoint.TryParse(text[4..], out var endPoint) && endPoint.Port != 0
                ? Tcp(endPoint.Address, endPoint.Port)
                : throw new FormatException($"'{text}' is not tcp:ADDRESS:PORT (a numeric address, IPv6 in brackets)");
        }

        return text.Contains(':', StringComparison.Ordinal)
            ? throw new FormatException($"'{text}' is neither unix:PATH nor tcp:ADDRESS:PORT")
            : Unix(text);
    }

    public Socket CreateSocket() => Address is UnixDomainSocketEndPoint
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    public override string ToString() => Text;
}
