using System.Globalization;
using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;
using FsCheck;
using FsCheck.Fluent;

namespace AlSafe.Tests.Decisions;

/// <summary>
/// Scenarios drawn from small pools, so that lines and sockets meet often: processes sharing inodes, connections on
/// listeners' ports, IPv4-mapped addresses, values of the wrong family, and lines for this VM, another and every VM.
/// </summary>
public static class ScenarioArbitraries
{
    private static readonly string[] Comms = ["nginx", "curl", "sshd", "dnsmasq"];
    private static readonly string?[] Executables = ["/usr/sbin/nginx", "/usr/bin/curl", "/opt/x", null];
    private static readonly string[] ProcessColumns = ["nginx", "curl", "sshd", "/usr/sbin/nginx", "/usr/bin/curl", "/opt/x"];
    private static readonly string[] LocalAddresses =
        ["10.0.0.5", "10.0.0.6", "2001:db8::5", "127.0.0.1", "0.0.0.0", "::", "::ffff:10.0.0.5", "::ffff:0.0.0.0", "::1", "192.0.2.200", "224.0.0.1"];

    private static readonly string[] RemoteAddresses =
        ["0.0.0.0", "::", "192.0.2.1", "192.0.2.130", "198.51.100.7", "10.1.2.3", "2001:db8:1::9", "::ffff:192.0.2.1", "255.255.255.255"];

    private static readonly string[] ServingAddresses =
        ["0.0.0.0", "::", "10.0.0.5", "10.0.0.6", "2001:db8::5", "127.0.0.1", "::ffff:10.0.0.5", "::ffff:0.0.0.0"];

    private static readonly string[] ConnectedAddresses = ["10.0.0.5", "10.0.0.6", "2001:db8::5", "127.0.0.1", "::ffff:10.0.0.5"];
    private static readonly SocketState[] TcpConnectedStates =
        [SocketState.Established, SocketState.Established, SocketState.SynSent, SocketState.SynRecv, SocketState.CloseWait, SocketState.FinWait2];

    private static readonly ushort[] ServicePorts = [22, 53, 80, 443];
    private static readonly ushort[] PeerPorts = [53, 80, 443, 51000];
    private static readonly ushort[] LocalPorts = [0, 22, 53, 80, 443, 40000];
    private static readonly ushort[] RemotePorts = [0, 53, 80, 443, 51000];
    private static readonly string[] LinePorts = ["*", "22", "53", "80", "443", "1-1024", "40000-40010"];
    private static readonly string[] LineRemotes = ["*", "192.0.2.0/24", "192.0.2.128/25", "198.51.100.7", "10.0.0.0/8", "0.0.0.0/0", "2001:db8:1::/48", "::/0"];
    private static readonly string[] LineRemotePorts = ["*", "53", "80", "443", "50000-60000"];

    public static VmPort Vm { get; } = new(
        "vm1",
        1,
        MacAddress.Parse("52:54:00:00:00:01"),
        [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("10.0.0.6"), IPAddress.Parse("2001:db8::5")],
        1,
        1);

    public static Arbitrary<Scenario> Scenarios() => Arb.From(
        from processes in Gen.Choose(0, 6).SelectMany(count => Gen.CollectToArray(Enumerable.Range(0, count), Process))
        from shuffled in Gen.Shuffle(processes)
        from entries in Gen.Choose(0, 16).SelectMany(count => Gen.CollectToArray(Enumerable.Range(1, count), line => Entry(line, processes)))
        select new Scenario(Vm, processes, shuffled, entries));

    internal static Gen<GuestProcess> Process(int index) =>
        from comm in Gen.Elements(Comms)
        from exe in Gen.Elements(Executables)
        from uid in Gen.Elements(0u, 1000u)
        from kernelThread in Gen.Frequency((14, Gen.Constant(false)), (1, Gen.Constant(true)))
        from sockets in Gen.Choose(0, 6).SelectMany(count => Gen.CollectToArray(Enumerable.Range(3, count), Socket))
        select new GuestProcess(100 + index, 100 + index, 1, comm, uid, exe, kernelThread, sockets, 0);

    private static Gen<GuestSocket> Socket(int fd) =>
        Gen.Frequency((4, Serving(fd)), (5, Connected(fd)), (3, Anything(fd)));

    /// <summary>A listener or bound UDP socket, as the kernel would leave it.</summary>
    private static Gen<GuestSocket> Serving(int fd) =>
        from local in Gen.Elements(ServingAddresses).Select(IPAddress.Parse)
        from protocol in Gen.Elements(SocketProtocol.Tcp, SocketProtocol.Udp)
        from port in Gen.Elements(ServicePorts)
        from inode in Inode
        from v6Only in V6OnlyFor(FamilyOf(local))
        select new GuestSocket(
            fd, inode, FamilyOf(local), protocol, local, port, Unset(local), 0, protocol == SocketProtocol.Tcp ? SocketState.Listen : SocketState.Close, v6Only);

    /// <summary>A connected socket with addresses of one family: a client, or a listener's child when the ports meet.</summary>
    private static Gen<GuestSocket> Connected(int fd) =>
        from local in Gen.Elements(ConnectedAddresses).Select(IPAddress.Parse)
        from remote in Gen.Elements(PeersLike(local)).Select(IPAddress.Parse)
        from protocol in Gen.Elements(SocketProtocol.Tcp, SocketProtocol.Udp)
        from state in protocol == SocketProtocol.Tcp ? Gen.Elements(TcpConnectedStates) : Gen.Constant(SocketState.Established)
        from localPort in Gen.Elements(ServicePorts.Append((ushort)40000).ToArray())
        from remotePort in Gen.Elements(PeerPorts)
        from inode in Inode
        from v6Only in V6OnlyFor(FamilyOf(local))
        select new GuestSocket(fd, inode, FamilyOf(local), protocol, local, localPort, remote, remotePort, state, v6Only);

    /// <summary>Any values at all, mostly ones no kernel produces.</summary>
    private static Gen<GuestSocket> Anything(int fd) =>
        from local in Gen.Elements(LocalAddresses).Select(IPAddress.Parse)
        from remote in Gen.Elements(RemoteAddresses).Select(IPAddress.Parse)
        from family in Gen.Elements(SocketFamily.Inet, SocketFamily.Inet6)
        from protocol in Gen.Elements(SocketProtocol.Tcp, SocketProtocol.Udp)
        from state in Gen.Elements(Enum.GetValues<SocketState>())
        from localPort in Gen.Elements(LocalPorts)
        from remotePort in Gen.Elements(RemotePorts)
        from inode in Gen.Choose(0, 12)
        from v6Only in Gen.Elements<bool?>(null, false, true)
        select new GuestSocket(fd, (ulong)inode, family, protocol, local, localPort, remote, remotePort, state, v6Only);

    private static Gen<ulong> Inode => Gen.Choose(1, 30).Select(inode => (ulong)inode);

    /// <summary>IPV6_V6ONLY as introspection gives it: known either way or unknown for inet6, never set for inet.</summary>
    private static Gen<bool?> V6OnlyFor(SocketFamily family) =>
        family == SocketFamily.Inet6 ? Gen.Elements<bool?>(null, false, true) : Gen.Constant<bool?>(null);

    private static SocketFamily FamilyOf(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? SocketFamily.Inet : SocketFamily.Inet6;

    private static string[] PeersLike(IPAddress local) =>
        local.IsIPv4MappedToIPv6 ? ["::ffff:192.0.2.1", "::ffff:10.1.2.3"]
        : local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? ["192.0.2.1", "192.0.2.130", "198.51.100.7", "10.1.2.3"]
        : ["2001:db8:1::9", "2001:db8:2::1"];

    private static IPAddress Unset(IPAddress local) =>
        local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;

    /// <summary>A line drawn from the pools, or one written for a socket of the scenario, so that lines often match.</summary>
    internal static Gen<WhitelistEntry> Entry(int line, GuestProcess[] processes)
    {
        var holders = processes.Where(p => p.Sockets.Count > 0).ToArray();
        return holders.Length == 0
            ? AnyEntry(line)
            : Gen.Frequency((1, AnyEntry(line)), (1, Gen.Elements(holders).SelectMany(holder => EntryFor(line, holder))));
    }

    private static Gen<WhitelistEntry> EntryFor(int line, GuestProcess holder) =>
        from socket in Gen.Elements(holder.Sockets.ToArray())
        from vm in Gen.Elements<string?>(null, "vm1", "vm2")
        from process in Gen.Elements(holder.ExePath is null ? [holder.Comm] : new[] { holder.Comm, holder.ExePath })
        from uid in Gen.Elements<uint?>(null, holder.Uid, 0u)
        from direction in Gen.Elements(TrafficDirection.In, TrafficDirection.Out)
        from localPort in Gen.Elements("*", socket.LocalPort.ToString(CultureInfo.InvariantCulture), "1-1024")
        from remote in Gen.Elements(RemoteColumnsFor(socket.RemoteAddress))
        from remotePort in Gen.Elements("*", socket.RemotePort.ToString(CultureInfo.InvariantCulture), "50000-60000")
        select Lines.Line(line, process, socket.Protocol, direction, localPort, remote, remotePort, vm, uid);

    private static string[] RemoteColumnsFor(IPAddress remote)
    {
        var peer = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return peer.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? ["*", peer.ToString(), "192.0.2.0/24", "0.0.0.0/0", "2001:db8:1::/48"]
            : ["*", peer.ToString(), "2001:db8:1::/48", "::/0", "192.0.2.0/24"];
    }

    private static Gen<WhitelistEntry> AnyEntry(int line) =>
        from vm in Gen.Elements<string?>(null, null, "vm1", "vm2")
        from process in Gen.Elements(ProcessColumns)
        from uid in Gen.Elements<uint?>(null, null, 0u, 1000u)
        from protocol in Gen.Elements(SocketProtocol.Tcp, SocketProtocol.Udp)
        from direction in Gen.Elements(TrafficDirection.In, TrafficDirection.Out)
        from localPort in Gen.Elements(LinePorts)
        from remote in Gen.Elements(LineRemotes)
        from remotePort in Gen.Elements(LineRemotePorts)
        select Lines.Line(line, process, protocol, direction, localPort, remote, remotePort, vm, uid);
}
