using System.Globalization;
using AlSafe.TestSupport.Ovs;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// A veth pair between a host's namespace (its <c>eth0</c>) and the switch's namespace, where the other end is a port of
/// the bridge with a chosen OpenFlow port number. Checksum offload is off on the host's end: the userspace datapath
/// forwards what veth hands it, and a veth that leaves the TCP checksum to "hardware" hands it packets whose checksum
/// was never filled in, which the receiver then drops.
/// </summary>
public sealed class VethLink : IAsyncDisposable
{
    public const string HostInterface = "eth0";

    private readonly OvsInstance _ovs;
    private readonly NetNamespace _host;

    // The switch's end: a bridge port named after its OpenFlow port number (p10 for 10).
    private readonly string _portName;

    private VethLink(OvsInstance ovs, NetNamespace host, string portName, uint ofPort)
    {
        _ovs = ovs;
        _host = host;
        _portName = portName;
        OfPort = ofPort;
    }

    public uint OfPort { get; }

    /// <summary>Creates the pair, brings both ends up and adds the switch's end to the bridge; returns once the
    /// switch has the port under <paramref name="ofPort"/>.</summary>
    public static async Task<VethLink> CreateAsync(OvsInstance ovs, NetNamespace switchSide, NetNamespace host, uint ofPort,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ovs);
        ArgumentNullException.ThrowIfNull(switchSide);
        ArgumentNullException.ThrowIfNull(host);
        var port = string.Create(CultureInfo.InvariantCulture, $"p{ofPort}");
        await host.IpAsync(cancellationToken, "link", "add", HostInterface, "type", "veth", "peer", "name", port, "netns", switchSide.Name)
            .ConfigureAwait(false);
        await host.CheckAsync("ethtool", ["-K", HostInterface, "tx", "off"], cancellationToken).ConfigureAwait(false);
        await switchSide.IpAsync(cancellationToken, "link", "set", port, "up").ConfigureAwait(false);
        await ovs.VsctlAsync("add-port", ovs.Bridge, port, "--", "set", "interface", port,
            string.Create(CultureInfo.InvariantCulture, $"ofport_request={ofPort}")).ConfigureAwait(false);
        var actual = (await ovs.VsctlAsync("get", "interface", port, "ofport").ConfigureAwait(false)).Trim();
        if (actual != ofPort.ToString(CultureInfo.InvariantCulture))
            throw new NetException($"bridge port {port} got OpenFlow port {actual}, not {ofPort}");
        return new VethLink(ovs, host, port, ofPort);
    }

    /// <summary>Takes the port off the bridge and deletes the pair. The database edit does not wait for ovs-vswitchd,
    /// which may be down when a restart test fails.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _ovs.VsctlAsync("--no-wait", "--if-exists", "del-port", _ovs.Bridge, _portName).ConfigureAwait(false);
        }
        finally
        {
            await NetCommand.RunAsync("ip", ["-n", _host.Name, "link", "delete", HostInterface], NetCommand.DefaultTimeout, CancellationToken.None)
                .ConfigureAwait(false);
        }
    }
}
