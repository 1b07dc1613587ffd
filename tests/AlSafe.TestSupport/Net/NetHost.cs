using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Rules;
using AlSafe.TestSupport.Ovs;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// A machine on the bridge: its own namespace with one interface (<c>eth0</c>) on a switch port, a MAC, an IPv4
/// address in a /24 and an IPv6 address in a /64, and the traffic tools the tests drive from inside it. IPv6 addresses
/// are added without duplicate address detection, so they are usable at once.
/// </summary>
public sealed class NetHost : IAsyncDisposable
{
    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(5);

    private NetHost(NetNamespace ns, VethLink link, MacAddress mac, IPAddress v4, IPAddress v6)
    {
        Namespace = ns;
        Link = link;
        Mac = mac;
        V4 = v4;
        V6 = v6;
    }

    public NetNamespace Namespace { get; }

    public VethLink Link { get; }

    public MacAddress Mac { get; }

    public IPAddress V4 { get; }

    public IPAddress V6 { get; }

    public uint OfPort => Link.OfPort;

    public static async Task<NetHost> CreateAsync(OvsInstance ovs, NetNamespace switchSide, string role, uint ofPort, MacAddress mac,
        IPAddress v4, IPAddress v6, CancellationToken cancellationToken)
    {
        var ns = await NetNamespace.CreateAsync(role, cancellationToken).ConfigureAwait(false);
        try
        {
            var link = await VethLink.CreateAsync(ovs, switchSide, ns, ofPort, cancellationToken).ConfigureAwait(false);
            var host = new NetHost(ns, link, mac, v4, v6);
            await ns.IpAsync(cancellationToken, "link", "set", VethLink.HostInterface, "address", mac.ToString()).ConfigureAwait(false);
            // Router solicitations go on forever with backoff and pass the switch's NORMAL action, which learns the
            // sender's MAC from them: without them, what the switch has learnt depends only on what a test sends.
            await ns.CheckAsync("sysctl", ["-qw", $"net.ipv6.conf.{VethLink.HostInterface}.router_solicitations=0"], cancellationToken)
                .ConfigureAwait(false);
            await ns.IpAsync(cancellationToken, "link", "set", VethLink.HostInterface, "up").ConfigureAwait(false);
            await host.AddAddressAsync(v4, 24, cancellationToken).ConfigureAwait(false);
            await host.AddAddressAsync(v6, 64, cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await ns.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds an address to <c>eth0</c> (IPv6 without duplicate address detection).</summary>
    public Task AddAddressAsync(IPAddress address, int prefixLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = string.Create(CultureInfo.InvariantCulture, $"{address}/{prefixLength}");
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? Namespace.IpAsync(cancellationToken, "-6", "address", "add", text, "dev", VethLink.HostInterface, "nodad")
            : Namespace.IpAsync(cancellationToken, "address", "add", text, "dev", VethLink.HostInterface);
    }

    public Task RemoveAddressAsync(IPAddress address, int prefixLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Namespace.IpAsync(cancellationToken, "address", "delete", string.Create(CultureInfo.InvariantCulture, $"{address}/{prefixLength}"),
            "dev", VethLink.HostInterface);
    }

    /// <summary>Changes the MAC <c>eth0</c> sends from (and answers to); <see cref="Mac"/> stays the configured one.</summary>
    public Task SetInterfaceMacAsync(MacAddress mac, CancellationToken cancellationToken) =>
        Namespace.IpAsync(cancellationToken, "link", "set", VethLink.HostInterface, "address", mac.ToString());

    /// <summary>Routes a prefix straight out of <c>eth0</c> (on-link), for remotes outside the host's own subnet.</summary>
    public Task AddOnLinkRouteAsync(string prefix, CancellationToken cancellationToken) =>
        Namespace.IpAsync(cancellationToken, "route", "replace", prefix, "dev", VethLink.HostInterface);

    /// <summary>Routes everything off the host's own subnets (of <paramref name="gateway"/>'s family) through
    /// <paramref name="gateway"/>, a router on the bridge.</summary>
    public Task AddDefaultRouteAsync(IPAddress gateway, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        return Namespace.IpAsync(cancellationToken, gateway.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4", "route", "replace",
            "default", "via", gateway.ToString(), "dev", VethLink.HostInterface);
    }

    /// <summary>Pins a permanent neighbour entry, so traffic to <paramref name="address"/> needs no ARP or ND.</summary>
    public Task PinNeighbourAsync(IPAddress address, MacAddress mac, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Namespace.IpAsync(cancellationToken, "neigh", "replace", address.ToString(), "lladdr", mac.ToString(), "dev",
            VethLink.HostInterface, "nud", "permanent");
    }

    /// <summary>Forgets every neighbour entry on <c>eth0</c>, pinned ones included, so the next packet needs ARP or ND.</summary>
    public Task ForgetNeighboursAsync(CancellationToken cancellationToken) =>
        Namespace.IpAsync(cancellationToken, "neigh", "flush", "dev", VethLink.HostInterface, "nud", "all");

    /// <summary>The host's neighbour entry for <paramref name="address"/> as <c>ip neigh</c> prints it, or empty.</summary>
    public async Task<string> NeighbourAsync(IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return (await Namespace.IpAsync(cancellationToken, "neigh", "show", address.ToString(), "dev", VethLink.HostInterface).ConfigureAwait(false)).Trim();
    }

    /// <summary>Starts a TCP echo server on <paramref name="port"/> (IPv4 and IPv6) and returns once it listens.</summary>
    public Task<BackgroundProcess> StartTcpEchoServerAsync(ushort port, CancellationToken cancellationToken) =>
        StartServerAsync(["socat", SocatAddress.Listen("TCP6-LISTEN", port, "fork", "reuseaddr"), "PIPE"], "-t", Port(port), cancellationToken);

    /// <summary>Starts a UDP echo server on <paramref name="port"/> (IPv4 and IPv6) and returns once it is bound. Each
    /// datagram is answered by a child that ends after a second of silence.</summary>
    public Task<BackgroundProcess> StartUdpEchoServerAsync(ushort port, CancellationToken cancellationToken) =>
        StartServerAsync(["socat", "-T", "1", SocatAddress.Listen("UDP6-RECVFROM", port, "fork"), "PIPE"], "-u", Port(port), cancellationToken);

    /// <summary>Starts a UDP receiver on <paramref name="port"/> that prints every datagram it gets, one per line, to
    /// its <see cref="BackgroundProcess.Output"/>.</summary>
    public Task<BackgroundProcess> StartUdpSinkAsync(ushort port, CancellationToken cancellationToken) =>
        StartServerAsync(["socat", "-u", SocatAddress.Listen("UDP6-RECV", port), "STDOUT"], "-u", Port(port), cancellationToken);

    /// <summary>
    /// Starts capturing every frame <c>eth0</c> receives or sends, whatever its destination MAC, raw into its
    /// <see cref="BackgroundProcess.Output"/>: a packet socket sees the frames the kernel then discards as addressed to
    /// another host, which is what a guest in promiscuous mode would read. Look for a probe's token in it.
    /// </summary>
    public Task<BackgroundProcess> StartSnifferAsync(CancellationToken cancellationToken) =>
        StartServerAsync(["socat", "-u", "INTERFACE:" + VethLink.HostInterface, "STDOUT"], "-0", "*:" + VethLink.HostInterface, cancellationToken);

    /// <summary>Connects to an echo server and checks that a token comes back. <paramref name="bind"/> and
    /// <paramref name="sourcePort"/> fix the client's own address and port.</summary>
    public Task<ProbeResult> TcpProbeAsync(IPAddress to, ushort port, CancellationToken cancellationToken, IPAddress? bind = null, ushort? sourcePort = null) =>
        SocatProbe.ExchangeAsync(Namespace,
            SocatAddress.Client("TCP", "", to, port, bind, sourcePort, "reuseaddr", "connect-timeout=" + SocatAddress.Seconds(SocatProbe.ConnectTimeout)),
            connectionOriented: true, cancellationToken);

    /// <summary>Sends a datagram to a UDP echo server and checks that it comes back.</summary>
    public Task<ProbeResult> UdpProbeAsync(IPAddress to, ushort port, CancellationToken cancellationToken, IPAddress? bind = null, ushort? sourcePort = null) =>
        SocatProbe.ExchangeAsync(Namespace, SocatAddress.Client("UDP", "", to, port, bind, sourcePort), connectionOriented: false, cancellationToken);

    /// <summary>Sends one datagram carrying <paramref name="payload"/> and does not wait for any answer.</summary>
    public Task SendUdpAsync(IPAddress to, ushort port, string payload, CancellationToken cancellationToken, IPAddress? bind = null, ushort? sourcePort = null) =>
        SocatProbe.SendAsync(Namespace, SocatAddress.Client("UDP", "-SENDTO", to, port, bind, sourcePort, "reuseaddr"), payload, cancellationToken);

    /// <summary>Opens a long-lived connection to a TCP echo server that a test keeps streaming through.</summary>
    public Task<TcpEchoStream> OpenStreamAsync(IPAddress to, ushort port, CancellationToken cancellationToken) =>
        TcpEchoStream.OpenAsync(Namespace,
            SocatAddress.Client("TCP", "", to, port, null, null, "connect-timeout=" + SocatAddress.Seconds(SocatProbe.ConnectTimeout)), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Link.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Namespace.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override string ToString() => $"{Namespace.Name} ({V4}, {V6}, {Mac}, ofport {OfPort})";

    private static string Port(ushort port) => string.Create(CultureInfo.InvariantCulture, $":{port}");

    /// <summary>Starts a server and waits until <c>ss</c> (of <paramref name="ssFamily"/>: -t, -u, -0) lists a socket
    /// whose local address ends in <paramref name="suffix"/>.</summary>
    private async Task<BackgroundProcess> StartServerAsync(string[] command, string ssFamily, string suffix, CancellationToken cancellationToken)
    {
        var server = Namespace.Start(command[0], command[1..]);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ListenTimeout);
        try
        {
            while (true)
            {
                var sockets = await Namespace.CheckAsync("ss", ["-Hna", ssFamily], deadline.Token).ConfigureAwait(false);
                // The local address is the last column but one, whether or not ss prints a Netid column first.
                if (sockets.Split('\n').Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [.., var local, _]
                    && local.EndsWith(suffix, StringComparison.Ordinal)))
                    return server;
                if (server.HasExited)
                    throw new NetException($"server exited at once: {server}");
                await Task.Delay(20, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetException($"server did not listen within {ListenTimeout}: {server}");
        }
    }
}
