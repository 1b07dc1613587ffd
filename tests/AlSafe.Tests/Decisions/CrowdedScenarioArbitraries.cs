using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using FsCheck;
using FsCheck.Fluent;

namespace AlSafe.Tests.Decisions;

/// <summary>
/// Scenarios whose lines crowd onto one program, protocol, direction and local port, with remotes of many prefix
/// lengths around the sockets' peers, as a long whitelist opening one service to many networks does: enough lines in
/// one place for the whitelist index to look them up by remote prefix instead of scanning them.
/// </summary>
public static class CrowdedScenarioArbitraries
{
    private static readonly string[] OtherPeers = ["192.0.2.1", "192.0.2.130", "198.51.100.7", "10.1.2.3", "100.64.3.0", "2001:db8:1::9", "2001:db8:2::1"];

    public static Arbitrary<Scenario> Scenarios() => Arb.From(
        from processes in Gen.Choose(1, 4).SelectMany(count => Gen.CollectToArray(Enumerable.Range(0, count), ScenarioArbitraries.Process))
        from shuffled in Gen.Shuffle(processes)
        from focus in Focus(processes)
        from entries in Gen.Choose(8, 48).SelectMany(count => Gen.CollectToArray(Enumerable.Range(1, count), line => Gen.Frequency(
            (3, focus is null ? ScenarioArbitraries.Entry(line, processes) : Crowded(line, focus.Value)),
            (1, ScenarioArbitraries.Entry(line, processes)))))
        select new Scenario(ScenarioArbitraries.Vm, processes, shuffled, entries));

    /// <summary>The socket most lines are written for, with the process column and direction they share.</summary>
    private static Gen<(GuestSocket Socket, string Process, TrafficDirection Direction, string LocalPort)?> Focus(GuestProcess[] processes)
    {
        var holders = processes.Where(p => p.Sockets.Count > 0).ToArray();
        if (holders.Length == 0)
        {
            return Gen.Constant<(GuestSocket, string, TrafficDirection, string)?>(null);
        }

        return from holder in Gen.Elements(holders)
               from socket in Gen.Elements(holder.Sockets.ToArray())
               from process in Gen.Elements(holder.ExePath is null ? [holder.Comm] : new[] { holder.Comm, holder.ExePath })
               from direction in Gen.Elements(TrafficDirection.In, TrafficDirection.Out)
               from localPort in Gen.Elements("*", socket.LocalPort.ToString(CultureInfo.InvariantCulture))
               select ((GuestSocket, string, TrafficDirection, string)?)(socket, process, direction, localPort);
    }

    private static Gen<WhitelistEntry> Crowded(int line, (GuestSocket Socket, string Process, TrafficDirection Direction, string LocalPort) focus) =>
        from uid in Gen.Elements<uint?>(null, null, 0u, 1000u)
        from remote in Gen.Frequency((1, Gen.Constant("*")), (6, PrefixAround(focus.Socket.RemoteAddress)), (3, Gen.Elements(OtherPeers).SelectMany(peer => PrefixAround(IPAddress.Parse(peer)))))
        from remotePort in Gen.Elements("*", focus.Socket.RemotePort.ToString(CultureInfo.InvariantCulture), "50000-60000", "443")
        select Lines.Line(line, focus.Process, focus.Socket.Protocol, focus.Direction, focus.LocalPort, remote, remotePort);

    /// <summary>A prefix holding <paramref name="address"/>, of any length its family allows.</summary>
    private static Gen<string> PrefixAround(IPAddress address)
    {
        var peer = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var width = peer.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return Gen.Choose(0, width).Select(length =>
        {
            var bytes = peer.GetAddressBytes();
            for (var bit = length; bit < width; bit++)
            {
                bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            }

            return string.Create(CultureInfo.InvariantCulture, $"{new IPAddress(bytes)}/{length}");
        });
    }
}
