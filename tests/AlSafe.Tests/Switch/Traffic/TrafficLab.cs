using System.Collections.Concurrent;
using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Ovsdb;
using AlSafe.Interop.Switch;
using AlSafe.TestSupport.Net;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Switch.Traffic;

/// <summary>
/// The topology every traffic test runs on: a private Open vSwitch bridge with two protected VMs, A (ofport 10) and
/// B (ofport 11), and an unprotected peer (ofport 20) standing in for the uplink and the world behind it. Each is a
/// network namespace on a veth; servers run in them from the start. Plans come from hand-written grant sets through
/// <see cref="FlowPlanner"/>, as the daemon would compute them, and reach the switch through the enforcement point
/// itself, <see cref="SwitchFirewall"/>, which also has the switch's database.
/// </summary>
internal sealed class TrafficLab : IAsyncDisposable
{
    public const ushort WebPort = 80;
    public const ushort ClosedPort = 81;
    public const ushort DnsPort = 53;
    public const ushort RestrictedPort = 8080;
    public const ushort PeerService = 443;
    public const ushort PeerSink = 5000;
    public const ushort BService = 7000;
    public const ushort BUnopened = 7001;

    /// <summary>A bound for fixture set-ups, which cannot take NUnit's cancellation token.</summary>
    public static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(60);

    public static readonly IPAddress AV4 = IPAddress.Parse("192.0.2.10");
    public static readonly IPAddress AV6 = IPAddress.Parse("fd00:a15a::10");
    public static readonly IPAddress BV4 = IPAddress.Parse("192.0.2.11");
    public static readonly IPAddress BV6 = IPAddress.Parse("fd00:a15a::11");
    public static readonly IPAddress PeerV4 = IPAddress.Parse("192.0.2.99");
    public static readonly IPAddress PeerV6 = IPAddress.Parse("fd00:a15a::99");

    /// <summary>The only network allowed to reach <see cref="RestrictedPort"/> on A.</summary>
    public static readonly AddressPrefix Partners = AddressPrefix.Create(IPAddress.Parse("198.51.100.0"), 24);

    public static readonly VmPort VmA = new("vmA", 10, MacAddress.Parse("02:a1:5a:00:00:0a"), [AV4, AV6], 10, RuleCookie.ForVm("vmA"));
    public static readonly VmPort VmB = new("vmB", 11, MacAddress.Parse("02:a1:5a:00:00:0b"), [BV4, BV6], 11, RuleCookie.ForVm("vmB"));
    public static readonly MacAddress PeerMac = MacAddress.Parse("02:a1:5a:00:00:63");

    private static readonly AddressPrefix AnyV4 = AddressPrefix.Create(IPAddress.Any, 0);
    private static readonly AddressPrefix AnyV6 = AddressPrefix.Create(IPAddress.IPv6Any, 0);

    private readonly ConcurrentQueue<string> _firewallLog = new();

    private TrafficLab(OvsInstance ovs)
    {
        Ovs = ovs;
        Firewall = new SwitchFirewall(new SwitchFirewallOptions
        {
            ManagementSocket = ovs.ManagementSocket,
            Bridge = ovs.Bridge,
            // The database too, as the daemon has it: the VMs' ports must be marked protected, or NORMAL floods one
            // VM's egress to the other's port.
            OvsdbEndpoint = OvsdbEndpoint.Unix(OvsdbServerControl.DatabaseSocket(ovs)),
            Log = _firewallLog.Enqueue,
        });
    }

    public OvsInstance Ovs { get; }

    public SwitchNetwork Network { get; private set; } = null!;

    public SwitchFirewall Firewall { get; }

    public NetHost A { get; private set; } = null!;

    public NetHost B { get; private set; } = null!;

    public NetHost Peer { get; private set; } = null!;

    /// <summary>A's services: web (TCP 80) and DNS (UDP 53) from anywhere on both families, and 8080 from the partner
    /// network only; with <paramref name="extra"/> appended.</summary>
    public static IEnumerable<InboundGrant> AInbound(params InboundGrant[] extra) =>
    [
        new(AV4, SocketProtocol.Tcp, WebPort, AnyV4, PortRange.Any),
        new(AV6, SocketProtocol.Tcp, WebPort, AnyV6, PortRange.Any),
        new(AV4, SocketProtocol.Udp, DnsPort, AnyV4, PortRange.Any),
        new(AV6, SocketProtocol.Udp, DnsPort, AnyV6, PortRange.Any),
        new(AV4, SocketProtocol.Tcp, RestrictedPort, Partners, PortRange.Any),
        .. extra,
    ];

    public static InboundGrant Inbound(IPAddress vm, ushort port) =>
        new(vm, SocketProtocol.Tcp, port, vm.AddressFamily == AnyV4.Family ? AnyV4 : AnyV6, PortRange.Any);

    public static OutboundGrant Tcp(IPAddress vm, ushort localPort, IPAddress remote, ushort remotePort) =>
        new(vm, localPort, SocketProtocol.Tcp, remote, remotePort);

    public static OutboundGrant Udp(IPAddress vm, ushort localPort, IPAddress remote, ushort remotePort) =>
        new(vm, localPort, SocketProtocol.Udp, remote, remotePort);

    /// <summary>Starts the switch, the three hosts with pinned neighbours, their servers, and the firewall with its
    /// base plan. No VM plan is installed yet: until a test applies one, the base plan switches the VMs' traffic
    /// normally, unfiltered.</summary>
    public static async Task<TrafficLab> StartAsync(CancellationToken cancellationToken)
    {
        if (!OvsInstance.IsInstalled())
            Assert.Ignore("Open vSwitch is not installed (Debian package openvswitch-switch)");
        if (!SwitchNetwork.IsSupported(out var reason))
            Assert.Ignore(reason);

        var lab = new TrafficLab(await OvsInstance.StartAsync(cancellationToken: cancellationToken));
        try
        {
            lab.Network = await SwitchNetwork.AttachAsync(lab.Ovs, cancellationToken);
            lab.A = await lab.Network.AddHostAsync("vmA", VmA.OfPort, VmA.Mac, AV4, AV6, cancellationToken);
            lab.B = await lab.Network.AddHostAsync("vmB", VmB.OfPort, VmB.Mac, BV4, BV6, cancellationToken);
            lab.Peer = await lab.Network.AddHostAsync("peer", 20, PeerMac, PeerV4, PeerV6, cancellationToken);
            await lab.Network.PinAllNeighboursAsync(cancellationToken);
            foreach (var port in new[] { WebPort, ClosedPort, RestrictedPort })
                await lab.A.StartTcpEchoServerAsync(port, cancellationToken);
            await lab.A.StartUdpEchoServerAsync(DnsPort, cancellationToken);
            await lab.B.StartTcpEchoServerAsync(BService, cancellationToken);
            await lab.B.StartTcpEchoServerAsync(BUnopened, cancellationToken);
            await lab.Peer.StartTcpEchoServerAsync(PeerService, cancellationToken);
            await lab.Firewall.StartAsync(cancellationToken);
            if (!lab.Firewall.IsConnected)
                throw new InvalidOperationException($"the firewall did not connect:\n{lab.FirewallLog}");
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public Task ApplyAsync(VmPort vm, IEnumerable<InboundGrant> inbound, IEnumerable<OutboundGrant> outbound, CancellationToken cancellationToken) =>
        Firewall.ApplyAsync(FlowPlanner.Plan(new GrantSet(vm, [.. inbound], [.. outbound])), cancellationToken);

    /// <summary>What the firewall logged so far, for failure messages.</summary>
    public string FirewallLog => string.Join('\n', _firewallLog);

    /// <summary>The switch's flows, as <c>ovs-ofctl dump-flows</c> prints them, for failure messages.</summary>
    public async Task<string> DumpFlowsAsync() => await Ovs.OfctlAsync("dump-flows");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Firewall.DisposeAsync();
            if (Network is not null)
                await Network.DisposeAsync();
        }
        finally
        {
            await Ovs.DisposeAsync();
        }
    }
}
