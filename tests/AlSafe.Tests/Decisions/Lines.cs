using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Tests.Decisions;

/// <summary>Whitelist lines written the way a tenant would, for the tests: "*" for any, "a-b" for a port range.</summary>
internal static class Lines
{
    public const string File = "tenant.wl";

    public static WhitelistEntry Line(
        int line,
        string process,
        SocketProtocol protocol,
        TrafficDirection direction,
        string localPort = "*",
        string remote = "*",
        string remotePort = "*",
        string? vm = null,
        uint? uid = null) =>
        new(File, line, vm, new ProcessPattern(process), uid, protocol, direction, Ports(localPort), Prefix(remote), Ports(remotePort));

    public static TenantWhitelist WhitelistOf(params WhitelistEntry[] entries) => new("tenant", File, entries);

    public static PortRange Ports(string text)
    {
        if (text == "*")
        {
            return PortRange.Any;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash < 0
            ? PortRange.Single(ushort.Parse(text, System.Globalization.CultureInfo.InvariantCulture))
            : new PortRange(
                ushort.Parse(text[..dash], System.Globalization.CultureInfo.InvariantCulture),
                ushort.Parse(text[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static AddressPrefix Prefix(string text)
    {
        if (text == "*")
        {
            return AddressPrefix.Any;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? AddressPrefix.Host(IPAddress.Parse(text))
            : AddressPrefix.Create(IPAddress.Parse(text[..slash]), int.Parse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
