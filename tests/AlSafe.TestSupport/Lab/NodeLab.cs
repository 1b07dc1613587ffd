using System.Net;
using AlSafe.Core.Profiles;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;
using AlSafe.TestSupport.Edge;
using AlSafe.TestSupport.Net;
using AlSafe.TestSupport.Ovs;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// A compute node built from the lab's pieces, for end-to-end tests of the daemon, which runs in the root namespace as
/// on a real node. A private Open vSwitch (its own namespace, userspace datapath) has the bridge br-int with: the lab
/// guest, VM lab1 (a real kernel under QEMU, 192.0.2.10 and fd00:a15a::10) on its tap tap-lab1; an unprotected
/// neighbour namespace (192.0.2.20, fd00:a15a::20); any namespace VMs; and the cloud side of an <see cref="EdgeLab"/>
/// router (192.0.2.1, fd00:a15a::1: every VM's default gateway) with nftables and an sshd reachable from the root
/// namespace, behind which lies the outside network (203.0.113.1, 2001:db8:ff::1). Until a daemon acts, the bridge is a
/// plain learning switch (fail_mode standalone: one NORMAL flow) and the edge has no nftables table, so everything
/// reaches everything. Disposal tears it all down, also after a partial start.
/// </summary>
public sealed class NodeLab : IAsyncDisposable
{
    public const string Bridge = "br-int";

    /// <summary>The guest's VM name: its port's alsafe-vm id and its descriptor vms.d/lab1.conf.</summary>
    public const string GuestVm = "lab1";

    public const string GuestTap = "tap-lab1";

    /// <summary>The tenant of every VM of the lab: its whitelist is whitelist.d/lab.tsv.</summary>
    public const string Tenant = "lab";

    public const uint GuestOfPort = 10;
    public const uint NeighbourOfPort = 20;

    /// <summary>Namespace VMs get consecutive OpenFlow ports from here on, in the order of their options.</summary>
    public const uint FirstNamespaceVmOfPort = 30;

    // A probe's last packets may still be crossing the switch when it returns.
    private static readonly TimeSpan CaptureSettle = TimeSpan.FromMilliseconds(300);

    private readonly NodeLabOptions _options;
    private readonly Dictionary<string, NetHost> _namespaceVms = new(StringComparer.Ordinal);
    private OvsInstance? _ovs;
    private SwitchNetwork? _network;
    private EdgeLab? _edge;
    private NetHost? _neighbour;
    private LabGuest? _guest;
    private int _captures;
    private int _disposed;

    private NodeLab(NodeLabOptions options, string directory)
    {
        _options = options;
        Directory = directory;
    }

    /// <summary>The lab guest's MAC, as the lab whitelist and its port's attached-mac have it.</summary>
    public static MacAddress GuestMac { get; } = MacAddress.Parse("52:54:00:a1:5a:10");

    public static IPAddress GuestV4 => LabLayout.GuestIPv4;

    public static IPAddress GuestV6 => LabLayout.GuestIPv6;

    public static MacAddress NeighbourMac { get; } = MacAddress.Parse("02:a1:5a:00:00:20");

    public static IPAddress NeighbourV4 { get; } = IPAddress.Parse("192.0.2.20");

    public static IPAddress NeighbourV6 { get; } = IPAddress.Parse("fd00:a15a::20");

    /// <summary>The edge's address on the VM network, every VM's IPv4 default gateway.</summary>
    public static IPAddress Gateway4 => EdgeLab.CloudGateway4;

    public static IPAddress Gateway6 => EdgeLab.CloudGateway6;

    /// <summary>The outside client's addresses, where probes from outside come from.</summary>
    public static IPAddress Outside4 => EdgeLab.Outside4;

    public static IPAddress Outside6 => EdgeLab.Outside6;

    /// <summary>The VM network's prefixes, which the edge protects.</summary>
    public static IReadOnlyList<AddressPrefix> ProtectedPrefixes => EdgeLab.Protected;

    /// <summary>The lab's own directory (0700): the daemon's files, captures, the namespace VMs' memory files.</summary>
    public string Directory { get; }

    public OvsInstance Ovs => _ovs ?? throw NotStarted();

    /// <summary>The switch's namespace and its hosts (the neighbour, the namespace VMs).</summary>
    public SwitchNetwork Network => _network ?? throw NotStarted();

    /// <summary>The edge router and the outside namespace behind it.</summary>
    public EdgeLab Edge => _edge ?? throw NotStarted();

    /// <summary>The unprotected neighbour on br-int: no alsafe-vm id on its port.</summary>
    public NetHost Neighbour => _neighbour ?? throw NotStarted();

    public bool HasGuest => _guest is not null;

    private string WhitelistDirectory => Path.Combine(Directory, "whitelist.d");

    public LabGuest Guest => _guest ?? throw new InvalidOperationException("this node lab runs without a guest (NodeLabOptions.Guest is null)");

    /// <summary>The namespace VMs by name.</summary>
    public IReadOnlyDictionary<string, NetHost> NamespaceVms => _namespaceVms;

    /// <summary>Null when the lab can run here, else why not (the caller ignores its test with it).</summary>
    public static string? Unsupported(bool withGuest = true)
    {
        if (EdgeLab.Unsupported() is { } edge)
            return edge;
        if (!OvsInstance.IsInstalled())
            return "Open vSwitch is not installed (Debian package openvswitch-switch)";
        if (!SwitchNetwork.IsSupported(out var reason))
            return reason;
        string[] tools = withGuest ? ["tcpdump", "qemu-system-x86_64"] : ["tcpdump"];
        var missing = tools.Where(tool => !NetCommand.IsInstalled(tool)).ToList();
        return missing.Count == 0 ? null : $"the node lab needs {string.Join(", ", missing)} (tests/lab/install-deps.sh installs them)";
    }

    /// <summary>Builds the node. With a guest it returns once the guest has booted and routes through the edge.</summary>
    public static async Task<NodeLab> StartAsync(NodeLabOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lab = new NodeLab(options, System.IO.Directory.CreateTempSubdirectory("alsafe-nodelab-").FullName);
        Task<LabGuest>? booting = null;
        try
        {
            var ovs = lab._ovs = await OvsInstance.StartAsync(Bridge, cancellationToken).ConfigureAwait(false);
            // OvsInstance leaves its bridge secure (an empty table); a node's bridge before AL-SAFE starts is OVS's default.
            await ovs.VsctlAsync("set-fail-mode", Bridge, options.FailMode).ConfigureAwait(false);
            var network = lab._network = await SwitchNetwork.AttachAsync(ovs, cancellationToken).ConfigureAwait(false);
            if (options.Guest is { } guest)
            {
                await network.AddTapAsync(GuestTap, GuestOfPort, VmIds(GuestVm, GuestMac), cancellationToken).ConfigureAwait(false);
                // The boot takes tens of seconds under TCG: the rest of the node is built meanwhile.
                booting = LabGuest.StartAsync(guest with { Tap = GuestTap, NetworkNamespace = network.Switch.Name, Mac = GuestMac },
                    cancellationToken);
            }

            lab._edge = await EdgeLab.StartAsync(network).ConfigureAwait(false);
            lab._neighbour = await lab.AddRoutedHostAsync("nbr", NeighbourOfPort, NeighbourMac, NeighbourV4, NeighbourV6, cancellationToken)
                .ConfigureAwait(false);
            var ofPort = FirstNamespaceVmOfPort;
            foreach (var vm in options.NamespaceVms)
            {
                var host = await lab.AddRoutedHostAsync("nsvm", ofPort, vm.Mac, vm.V4, vm.V6, cancellationToken).ConfigureAwait(false);
                lab._namespaceVms.Add(vm.Name, host);
                await network.SetExternalIdsAsync(ofPort++, VmIds(vm.Name, vm.Mac), cancellationToken).ConfigureAwait(false);
            }

            if (booting is not null)
            {
                lab._guest = await booting.ConfigureAwait(false);
                booting = null;
                // guest/init's "ip -6 addr add ... nodad" fails under busybox, whose ip knows no nodad: the address is
                // added here when missing, with duplicate address detection off so that it is usable at once.
                await lab._guest.RunAsync($"sh ip -6 addr show dev eth0 | grep -qF '{GuestV6}/' || " +
                                          $"{{ echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad && ip -6 addr add {GuestV6}/64 dev eth0; }}",
                    cancellationToken).ConfigureAwait(false);
                await lab._guest.RunAsync($"sh ip route add default via {Gateway4}", cancellationToken).ConfigureAwait(false);
                await lab._guest.RunAsync($"sh ip -6 route add default via {Gateway6}", cancellationToken).ConfigureAwait(false);
            }

            return lab;
        }
        catch
        {
            if (booting is not null)
                lab._guest = await BootedOrNullAsync(booting).ConfigureAwait(false);
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>True when a TCP handshake from the outside namespace (through the edge) with
    /// <paramref name="to"/>:<paramref name="port"/> completes within a couple of seconds.</summary>
    public Task<bool> TcpFromOutsideAsync(IPAddress to, ushort port, CancellationToken cancellationToken) =>
        NodeProbe.TcpHandshakeAsync(Edge.OutsideNamespace, to, port, cancellationToken);

    /// <summary>True when a TCP handshake from the neighbour (on the bridge) completes within a couple of seconds.</summary>
    public Task<bool> TcpFromNeighbourAsync(IPAddress to, ushort port, CancellationToken cancellationToken) =>
        NodeProbe.TcpHandshakeAsync(Neighbour.Namespace.Name, to, port, cancellationToken);

    /// <summary>True when a datagram from the outside namespace comes back from an echo server within a couple of
    /// seconds (in the guest: <c>Guest.RunAsync("start udp-echo PORT")</c>).</summary>
    public Task<bool> UdpFromOutsideAsync(IPAddress to, ushort port, CancellationToken cancellationToken) =>
        NodeProbe.UdpEchoAsync(Edge.OutsideNamespace, to, port, cancellationToken);

    /// <summary>True when a datagram from the neighbour comes back from an echo server within a couple of seconds.</summary>
    public Task<bool> UdpFromNeighbourAsync(IPAddress to, ushort port, CancellationToken cancellationToken) =>
        NodeProbe.UdpEchoAsync(Neighbour.Namespace.Name, to, port, cancellationToken);

    /// <summary>
    /// Runs tcpdump on the guest's tap (in the switch's namespace, both directions) around <paramref name="action"/>
    /// and returns how many packets matched <paramref name="tcpdumpFilter"/>: capture starts before the action, and
    /// ends a moment after it, with every packet seen counted. What leaves the tap towards the guest is what the
    /// guest receives.
    /// </summary>
    public async Task<int> CountTapPacketsAsync(string tcpdumpFilter, Func<Task> action, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tcpdumpFilter);
        ArgumentNullException.ThrowIfNull(action);
        if (_guest is null)
            throw new InvalidOperationException($"this node lab runs without a guest, so without {GuestTap}");
        var file = Path.Combine(Directory, $"tap-{Interlocked.Increment(ref _captures)}.pcap");
        await using var capture = await TapCapture.StartAsync(Network.Switch.Name, GuestTap, tcpdumpFilter, file, cancellationToken)
            .ConfigureAwait(false);
        await action().ConfigureAwait(false);
        await Task.Delay(CaptureSettle, cancellationToken).ConfigureAwait(false);
        return await capture.StopAndCountAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Writes what <c>alsafe run --config</c> needs to run against this lab into <see cref="Directory"/>: alsafe.conf,
    /// the lab kernel's profile, <paramref name="whitelistTsv"/> as whitelist.d/lab.tsv and vms.d/lab1.conf (with a
    /// guest), plus the namespace VMs' descriptors when <paramref name="options"/> asks. Writing again replaces each
    /// file whole and deletes descriptors no longer asked for.
    /// </summary>
    public NodeLabDaemonFiles WriteDaemonConfig(string whitelistTsv, NodeLabDaemonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var whitelist = WriteWhitelist(whitelistTsv);
        var profiles = PrivateFile.CreateDirectory(Path.Combine(Directory, "profiles"));
        var profile = Path.Combine(profiles, LabAssets.KernelRelease + ".json");
        if (!File.Exists(profile))
        {
            KernelProfileSerializer.Save(LabProfiles.Built, profile);
            PrivateFile.Restrict(profile);
        }

        var vms = PrivateFile.CreateDirectory(Path.Combine(Directory, "vms.d"));
        var descriptors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_guest is not null)
            descriptors[GuestVm] = WriteDescriptor(vms, GuestVm, _guest.MemoryPath, _guest.Machine, _guest.QmpSocket, [GuestV4, GuestV6]);
        if (options.IncludeNamespaceVms)
        {
            foreach (var vm in _options.NamespaceVms)
                descriptors[vm.Name] = WriteDescriptor(vms, vm.Name, EmptyMemoryFile(vm.Name), "q35", Path.Combine(Directory, vm.Name + ".qmp"),
                    [vm.V4, vm.V6]);
        }

        // Only after the new ones are in place, so that a running daemon never sees a kept VM disappear for a moment.
        foreach (var stale in System.IO.Directory.GetFiles(vms, "*.conf").Except(descriptors.Values, StringComparer.Ordinal))
            File.Delete(stale);

        var config = Path.Combine(Directory, "alsafe.conf");
        PrivateFile.Write(config, NodeDaemonConfigText.Daemon(options, new NodeDaemonConfigText.Places(
            vms, WhitelistDirectory, profiles, Bridge, Ovs.ManagementSocket, OvsdbServerControl.DatabaseSocket(Ovs),
            Edge.EdgeAddress, Edge.ClientKeyPath, Edge.KnownHostsPath, ProtectedPrefixes)));
        return new NodeLabDaemonFiles(config, WhitelistDirectory, whitelist, vms, profiles, descriptors);
    }

    /// <summary>Replaces whitelist.d/lab.tsv whole (a running daemon polls it) and returns its path.</summary>
    public string WriteWhitelist(string whitelistTsv)
    {
        ArgumentNullException.ThrowIfNull(whitelistTsv);
        var path = Path.Combine(PrivateFile.CreateDirectory(WhitelistDirectory), Tenant + ".tsv");
        PrivateFile.Write(path, whitelistTsv);
        return path;
    }

    /// <summary>Stops the guest, deletes the edge's, the hosts' and the switch's namespaces, stops Open vSwitch and
    /// deletes the lab's directory. Every step runs even when one before it failed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        var failures = new List<Exception>();
        async Task StepAsync(IAsyncDisposable? part)
        {
            try
            {
                if (part is not null)
                    await part.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                failures.Add(exception);
            }
        }

        // The guest first, as it holds the tap open; the edge before the switch, as its veth is one of the bridge's ports.
        await StepAsync(_guest).ConfigureAwait(false);
        await StepAsync(_edge).ConfigureAwait(false);
        await StepAsync(_network).ConfigureAwait(false);
        await StepAsync(_ovs).ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its kill may still hold a capture; a stale directory under /tmp is harmless.
        }

        if (failures.Count > 0)
            throw new AggregateException("tearing the node lab down", failures);
    }

    private static Dictionary<string, string> VmIds(string vm, MacAddress mac) => new(StringComparer.Ordinal)
    {
        ["alsafe-vm"] = vm,
        ["attached-mac"] = mac.ToString(),
    };

    private static InvalidOperationException NotStarted() => new("the node lab is not (fully) started");

    // A boot that failed has stopped its own guest and reported why; the failure that stopped the start is what counts.
    private static async Task<LabGuest?> BootedOrNullAsync(Task<LabGuest> booting)
    {
        try
        {
            return await booting.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is LabException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<NetHost> AddRoutedHostAsync(string role, uint ofPort, MacAddress mac, IPAddress v4, IPAddress v6,
        CancellationToken cancellationToken)
    {
        var host = await Network.AddHostAsync(role, ofPort, mac, v4, v6, cancellationToken).ConfigureAwait(false);
        await host.AddDefaultRouteAsync(Gateway4, cancellationToken).ConfigureAwait(false);
        await host.AddDefaultRouteAsync(Gateway6, cancellationToken).ConfigureAwait(false);
        return host;
    }

    private static string WriteDescriptor(string directory, string vm, string memory, string layout, string qmp, IEnumerable<IPAddress> addresses)
    {
        var path = Path.Combine(directory, vm + ".conf");
        PrivateFile.Write(path, NodeDaemonConfigText.Vm(Tenant, memory, layout, qmp, addresses));
        return path;
    }

    // All zeros (sparse): no kernel to find in it, so every introspection of a namespace VM fails.
    private string EmptyMemoryFile(string vm)
    {
        var path = Path.Combine(Directory, vm + ".ram");
        PrivateFile.CreateZeros(path, 128L * 1024 * 1024);
        return path;
    }
}
