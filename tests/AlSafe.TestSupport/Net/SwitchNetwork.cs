using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Rules;
using AlSafe.TestSupport.Ovs;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// The hosts around one <see cref="OvsInstance"/>'s bridge. <see cref="OvsInstance"/> runs ovs-vswitchd in a network
/// namespace of its own (<c>unshare --net</c>), and a bridge port must be a device in that namespace, so this names
/// it after the daemon's pid (<c>ip netns attach</c>) and creates the switch's end of every veth there. The name also
/// keeps the namespace, and so the ports, alive when ovs-vswitchd dies: <see cref="StartSwitchAsync"/> starts the
/// daemon again in the same place, where it finds its ports as they were (OvsSwitchControl's restart gives the new
/// daemon a fresh namespace, without these ports). Besides hosts it holds taps (for QEMU guests started in
/// <see cref="Switch"/>) and links to namespaces that others own (an edge router's cloud side).
/// </summary>
/// <remarks>Relies on the instance's layout: ovs-vswitchd.pid, db.sock and ovs-vswitchd.log in its directory.</remarks>
public sealed class SwitchNetwork : IAsyncDisposable
{
    private static readonly TimeSpan SwitchTimeout = TimeSpan.FromSeconds(15);

    private readonly OvsInstance _ovs;
    private readonly List<NetHost> _hosts = [];

    // Ports added as devices of their own (taps, links to other owners' namespaces), besides the hosts' veths.
    private readonly List<string> _ports = [];

    private SwitchNetwork(OvsInstance ovs, NetNamespace switchSide)
    {
        _ovs = ovs;
        Switch = switchSide;
    }

    /// <summary>The namespace ovs-vswitchd and the switch's ends of the veths live in.</summary>
    public NetNamespace Switch { get; }

    private string SwitchPidFile => Path.Combine(_ovs.Directory, "ovs-vswitchd.pid");

    // Every path the daemon and its tools derive (pidfile, control socket, log) stays in the instance's directory.
    private Dictionary<string, string> OvsEnvironment => new()
    {
        ["OVS_RUNDIR"] = _ovs.Directory,
        ["OVS_LOGDIR"] = _ovs.Directory,
        ["OVS_DBDIR"] = _ovs.Directory,
        ["OVS_SYSCONFDIR"] = _ovs.Directory,
    };

    /// <summary>Whether everything this needs is installed and the process may create namespaces.</summary>
    public static bool IsSupported(out string reason)
    {
        var missing = new[] { "ip", "nsenter", "ethtool", "socat", "ss", "sysctl", "ovs-appctl" }.Where(tool => !NetCommand.IsInstalled(tool)).ToList();
        reason = missing.Count > 0 ? $"not installed: {string.Join(", ", missing)}"
            : Environment.UserName != "root" ? "network namespaces need root"
            : "";
        return reason.Length == 0;
    }

    public static async Task<SwitchNetwork> AttachAsync(OvsInstance ovs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ovs);
        var pid = ReadPid(Path.Combine(ovs.Directory, "ovs-vswitchd.pid"));
        return new SwitchNetwork(ovs, await NetNamespace.AttachAsync("sw", pid, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A new host on the bridge at <paramref name="ofPort"/>.</summary>
    public async Task<NetHost> AddHostAsync(string role, uint ofPort, MacAddress mac, IPAddress v4, IPAddress v6, CancellationToken cancellationToken)
    {
        var host = await NetHost.CreateAsync(_ovs, Switch, role, ofPort, mac, v4, v6, cancellationToken).ConfigureAwait(false);
        _hosts.Add(host);
        return host;
    }

    /// <summary>
    /// Links a namespace this network does not own (<paramref name="peerNamespace"/>, named with <c>ip netns</c>) to the
    /// bridge: a veth whose end there is <paramref name="peerInterface"/> and whose switch end is the port
    /// <paramref name="portName"/> at <paramref name="ofPort"/>. Checksum offload is off on the peer's end, as on a
    /// host's (see <see cref="VethLink"/>): that also covers packets the peer routes from elsewhere. The peer's end is
    /// left down, for its owner to address and bring up.
    /// </summary>
    public async Task AddLinkAsync(string peerNamespace, string peerInterface, string portName, uint ofPort, CancellationToken cancellationToken)
    {
        await NetCommand.CheckAsync("ip", ["-n", peerNamespace, "link", "add", peerInterface, "type", "veth", "peer", "name", portName,
            "netns", Switch.Name], cancellationToken).ConfigureAwait(false);
        _ports.Add(portName);
        await NetCommand.CheckAsync("nsenter", ["--net=/run/netns/" + peerNamespace, "--", "ethtool", "-K", peerInterface, "tx", "off"],
            cancellationToken).ConfigureAwait(false);
        await AddPortAsync(portName, ofPort, new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds <paramref name="name"/>, a device already in the switch's namespace (the far end of another switch's
    /// <see cref="AddLinkAsync"/>: an uplink, as if by the physical network), to the bridge at <paramref name="ofPort"/>
    /// as an unprotected port, with checksum offload off on it as on every veth end the userspace datapath sends through.
    /// </summary>
    public async Task AddDevicePortAsync(string name, uint ofPort, CancellationToken cancellationToken)
    {
        _ports.Add(name);
        await Switch.CheckAsync("ethtool", ["-K", name, "tx", "off"], cancellationToken).ConfigureAwait(false);
        await AddPortAsync(name, ofPort, new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the bridge port and the device <paramref name="name"/> (a guest's tap that left, say): its
    /// interface row goes from the switch's database as a hypervisor's would.</summary>
    public async Task RemovePortAsync(string name, CancellationToken cancellationToken)
    {
        await _ovs.VsctlAsync("--if-exists", "del-port", _ovs.Bridge, name).ConfigureAwait(false);
        await Switch.IpAsync(cancellationToken, "link", "delete", name).ConfigureAwait(false);
        _ports.Remove(name);
    }

    /// <summary>
    /// Creates a persistent tap <paramref name="name"/> in the switch's namespace and adds it to the bridge at
    /// <paramref name="ofPort"/> as a normal port (not type=tap) with <paramref name="externalIds"/> on its interface.
    /// A QEMU started in <see cref="Switch"/> then opens it by name (<c>-netdev tap,ifname=NAME</c>).
    /// </summary>
    public async Task AddTapAsync(string name, uint ofPort, IReadOnlyDictionary<string, string> externalIds, CancellationToken cancellationToken)
    {
        await Switch.IpAsync(cancellationToken, "tuntap", "add", "mode", "tap", "name", name).ConfigureAwait(false);
        _ports.Add(name);
        await AddPortAsync(name, ofPort, externalIds, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets external_ids on the interface at <paramref name="ofPort"/> (a host's, say, to make it a VM's port:
    /// <c>alsafe-vm</c>, <c>attached-mac</c>).</summary>
    public async Task SetExternalIdsAsync(uint ofPort, IReadOnlyDictionary<string, string> externalIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(externalIds);
        var name = (await _ovs.VsctlAsync("--bare", "--columns=name", "find", "interface",
            string.Create(CultureInfo.InvariantCulture, $"ofport={ofPort}")).ConfigureAwait(false)).Trim();
        if (name.Length == 0 || name.Contains('\n', StringComparison.Ordinal))
            throw new NetException($"not exactly one interface at OpenFlow port {ofPort}: '{name}'");
        await _ovs.VsctlAsync(["set", "interface", name, .. ExternalIdSettings(externalIds)]).ConfigureAwait(false);
    }

    /// <summary>Pins every host's IPv4 and IPv6 address in every other host's neighbour table, so tests that are not
    /// about ARP or neighbour discovery do not depend on them.</summary>
    public async Task PinAllNeighboursAsync(CancellationToken cancellationToken)
    {
        foreach (var host in _hosts)
        {
            foreach (var other in _hosts.Where(other => other != host))
            {
                await host.PinNeighbourAsync(other.V4, other.Mac, cancellationToken).ConfigureAwait(false);
                await host.PinNeighbourAsync(other.V6, other.Mac, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Empties the bridge's MAC learning table, as if every entry had aged out: until a host's frames pass
    /// the NORMAL action again, the switch does not know its port.</summary>
    public Task ForgetLearntMacsAsync(CancellationToken cancellationToken) =>
        NetCommand.CheckAsync("ovs-appctl", ["-t", "ovs-vswitchd", "fdb/flush", _ovs.Bridge], cancellationToken, OvsEnvironment);

    /// <summary>Kills ovs-vswitchd (SIGKILL, as a crash would) and returns once it is gone. The ports stay, with
    /// nothing reading them: every frame sent to the bridge is lost until <see cref="StartSwitchAsync"/>.</summary>
    public async Task KillSwitchAsync(CancellationToken cancellationToken)
    {
        var pid = ReadPid(SwitchPidFile);
        _ovs.KillSwitch();
        await WaitAsync(_ => Task.FromResult(!IsRunning(pid)), $"ovs-vswitchd {pid} to exit", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts ovs-vswitchd again, in the switch's namespace and on the instance's database, as the instance
    /// first started it; returns once its management socket accepts connections. Its flow table starts empty.</summary>
    public async Task StartSwitchAsync(CancellationToken cancellationToken)
    {
        await Switch.CheckAsync("ovs-vswitchd",
        [
            "unix:" + Path.Combine(_ovs.Directory, "db.sock"), $"--pidfile={SwitchPidFile}", "--detach",
            $"--log-file={Path.Combine(_ovs.Directory, "ovs-vswitchd.log")}",
        ], cancellationToken, OvsEnvironment).ConfigureAwait(false);

        await WaitAsync(token => AcceptsAsync(_ovs.ManagementSocket, token), $"{_ovs.ManagementSocket} to accept connections", cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Deletes every host (its namespace, its veth, its processes, its bridge port) and the switch's name.</summary>
    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var host in _hosts)
        {
            try
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is NetException or OvsException)
            {
                failures.Add(exception);
            }
        }

        _hosts.Clear();
        foreach (var port in _ports)
        {
            try
            {
                await _ovs.VsctlAsync("--no-wait", "--if-exists", "del-port", _ovs.Bridge, port).ConfigureAwait(false);
            }
            catch (OvsException exception)
            {
                failures.Add(exception);
            }

            // Deleting either end of a veth deletes both; a peer namespace deleted first has taken this end along.
            await NetCommand.RunAsync("ip", ["-n", Switch.Name, "link", "delete", port], NetCommand.DefaultTimeout, CancellationToken.None)
                .ConfigureAwait(false);
        }

        _ports.Clear();
        await Switch.DisposeAsync().ConfigureAwait(false);
        if (failures.Count > 0)
            throw new AggregateException("tearing the network down", failures);
    }

    private static IEnumerable<string> ExternalIdSettings(IReadOnlyDictionary<string, string> externalIds) =>
        externalIds.Select(pair => $"external_ids:{pair.Key}={pair.Value}");

    // ovs-vsctl returns once ovs-vswitchd has applied the edit, so the port's OpenFlow number is known by then.
    private async Task AddPortAsync(string name, uint ofPort, IReadOnlyDictionary<string, string> externalIds, CancellationToken cancellationToken)
    {
        await Switch.IpAsync(cancellationToken, "link", "set", name, "up").ConfigureAwait(false);
        await _ovs.VsctlAsync(["add-port", _ovs.Bridge, name, "--", "set", "interface", name,
            string.Create(CultureInfo.InvariantCulture, $"ofport_request={ofPort}"), .. ExternalIdSettings(externalIds)]).ConfigureAwait(false);
        var actual = (await _ovs.VsctlAsync("get", "interface", name, "ofport").ConfigureAwait(false)).Trim();
        if (actual != ofPort.ToString(CultureInfo.InvariantCulture))
            throw new NetException($"bridge port {name} got OpenFlow port {actual}, not {ofPort}");
    }

    private static async Task WaitAsync(Func<CancellationToken, Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(SwitchTimeout);
        try
        {
            while (!await condition(deadline.Token).ConfigureAwait(false))
                await Task.Delay(20, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetException($"waited {SwitchTimeout} for {what}");
        }
    }

    private static int ReadPid(string pidFile) =>
        int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new NetException($"{pidFile} holds no pid");

    // A killed daemon whose parent does not reap it lingers as a zombie; it holds no socket and no namespace any more.
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    // The killed daemon's socket file stays behind; only a successful connect shows the new one listens.
    private static async Task<bool> AcceptsAsync(string path, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
