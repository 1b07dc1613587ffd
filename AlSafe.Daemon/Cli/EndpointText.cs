using System.Net;
using System.Net.Sockets;

namespace AlSafe.Daemon.Cli;

/// <summary>An address and port the way <c>ss</c> prints them: IPv6 in brackets, port 0 as <c>*</c>.</summary>
internal static class EndpointText
{
    public static string Format(IPAddress address, ushort port)
    {
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return port == 0 ? $"{host}:*" : $"{host}:{port}";
    }
}
