using System.Globalization;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Whitelist;

/// <summary>Writes an entry back as a whitelist line (without the line end), in the form <see cref="WhitelistParser"/> reads back to the same entry.</summary>
public static class WhitelistFormatter
{
    public static string Format(WhitelistEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Join(
            '\t',
            entry.Vm ?? "*",
            entry.Process.Text,
            entry.Uid?.ToString(CultureInfo.InvariantCulture) ?? "*",
            entry.Protocol switch
            {
                SocketProtocol.Tcp => "tcp",
                SocketProtocol.Udp => "udp",
                _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.Protocol, "a whitelist entry is tcp or udp"),
            },
            entry.Direction switch
            {
                TrafficDirection.In => "in",
                TrafficDirection.Out => "out",
                _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.Direction, "a whitelist entry is in or out"),
            },
            entry.LocalPort.ToString(),
            FormatRemote(entry.Remote),
            entry.RemotePort.ToString());
    }

    /// <summary>A single address is written bare, as people write it.</summary>
    private static string FormatRemote(AddressPrefix remote) =>
        remote.IsAny || remote.Length != remote.Width ? remote.ToString() : remote.Network.ToString();
}
