using System.Globalization;
using System.Security.Cryptography;
using AlSafe.Core.Profiles;
using AlSafe.TestSupport.Net;
using AlSafe.TestSupport.Ovs;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// Two compute nodes for live-migration tests. Node 1 is a whole <see cref="NodeLab"/>: its bridge holds the lab guest
/// (VM lab1 on tap-lab1), the unprotected neighbour and the cloud side of the one edge router, behind which lies the
/// outside network. Node 2 is a second private Open vSwitch (its own namespace, its own br-int, userspace datapath)
/// with nothing on it until a migration's destination tap appears. The two bridges are joined by a veth pair at port
/// <see cref="UplinkOfPort"/> on each, an unprotected uplink as if by the physical network, so the guest keeps its
/// addresses wherever it runs and both nodes share the edge. Each node's daemon gets its own alsafe.conf (node names
/// <see cref="Node1Name"/> and <see cref="Node2Name"/>, its own bridge, the same edge and the same [migration] key).
/// Disposal tears both nodes down, also after a partial start.
/// </summary>
public sealed class TwoNodeLab : IAsyncDisposable
{
    public const string Node1Name = "node1";
    public const string Node2Name = "node2";

    /// <summary>The OpenFlow port of the uplink on both bridges.</summary>
    public const uint UplinkOfPort = 2;

    private const string Uplink1 = "uplink-n1";
    private const string Uplink2 = "uplink-n2";
    private const int MigrationKeyBytes = 32;

    // A probe's last packets may still be crossing the switches when the action returns.
    private static readonly TimeSpan CaptureSettle = TimeSpan.FromMilliseconds(300);

    private readonly TwoNodeLabOptions _options;
    private NodeLab? _node1;
    private OvsInstance? _ovs2;
    private SwitchNetwork? _network2;
    private int _captures;
    private int _disposed;

    private TwoNodeLab(TwoNodeLabOptions options, string directory)
    {
        _options = options;
        Directory = directory;
        MigrationKeyPath = Path.Combine(directory, "migration.key");
    }

    /// <summary>Node 2's own directory (0700): its daemon's files, the migration key, captures.</summary>
    public string Directory { get; }

    /// <summary>The hand-off's shared secret: 32 random bytes, root's and 0600, named by both nodes' [migration] key.</summary>
    public string MigrationKeyPath { get; }

    /// <summary>Node 1: the guest's first home, the neighbour and the edge.</summary>
    public NodeLab Node1 => _node1 ?? throw NotStarted();

    /// <summary>Node 2's Open vSwitch.</summary>
    public OvsInstance Node2Ovs => _ovs2 ?? throw NotStarted();

    /// <summary>Node 2's switch namespace and its ports.</summary>
    public SwitchNetwork Node2Network => _network2 ?? throw NotStarted();

    /// <summary>How the guest on node 1 was booted: a migration's destination QEMU must be started alike.</summary>
    public LabGuestOptions GuestOptions => _options.Guest;

    private string Node2VmsDirectory => Path.Combine(Directory, "vms.d");

    /// <summary>Null when the lab can run here, else why not (the caller ignores its test with it).</summary>
    public static string? Unsupported() => NodeLab.Unsupported();

    /// <summary>Builds both nodes and joins their bridges; returns once the guest on node 1 has booted and routes
    /// through the edge.</summary>
    public static async Task<TwoNodeLab> StartAsync(TwoNodeLabOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lab = new TwoNodeLab(options, PrivateFile.CreateDirectory(
            System.IO.Directory.CreateTempSubdirectory("alsafe-twonode-").FullName));
        try
        {
            lab.WriteMigrationKey();
            var ovs = lab._ovs2 = await OvsInstance.StartAsync(NodeLab.Bridge, cancellationToken).ConfigureAwait(false);
            await ovs.VsctlAsync("set-fail-mode", NodeLab.Bridge, "standalone").ConfigureAwait(false);
            lab._network2 = await SwitchNetwork.AttachAsync(ovs, cancellationToken).ConfigureAwait(false);
            lab._node1 = await NodeLab.StartAsync(new NodeLabOptions { Guest = options.Guest }, cancellationToken).ConfigureAwait(false);

            // Node 1's end sends what crosses to node 2: no checksum offload on it either.
            await lab.Node1.Network.AddLinkAsync(lab.Node2Network.Switch.Name, Uplink2, Uplink1, UplinkOfPort, cancellationToken)
                .ConfigureAwait(false);
            await lab.Node1.Network.Switch.CheckAsync("ethtool", ["-K", Uplink1, "tx", "off"], cancellationToken).ConfigureAwait(false);
            await lab.Node2Network.AddDevicePortAsync(Uplink2, UplinkOfPort, cancellationToken).ConfigureAwait(false);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes both daemons' files: node 1's through <see cref="NodeLab.WriteDaemonConfig"/> (with vms.d/lab1.conf for
    /// the guest it runs), node 2's into <see cref="Directory"/> with an empty vms.d (the destination's descriptor is
    /// the hand-off's to write, at <see cref="DestinationDescriptorPath"/>). Each gets its node name and the migration
    /// key; the rest of each node's settings (its bus above all) comes from its options.
    /// </summary>
    public (NodeLabDaemonFiles Node1, NodeLabDaemonFiles Node2) WriteDaemonConfigs(string whitelistTsv, NodeLabDaemonOptions node1,
        NodeLabDaemonOptions node2)
    {
        ArgumentNullException.ThrowIfNull(whitelistTsv);
        ArgumentNullException.ThrowIfNull(node1);
        ArgumentNullException.ThrowIfNull(node2);
        var first = Node1.WriteDaemonConfig(whitelistTsv, node1 with { NodeName = Node1Name, MigrationKey = MigrationKeyPath });

        var whitelists = PrivateFile.CreateDirectory(Path.Combine(Directory, "whitelist.d"));
        var whitelist = Path.Combine(whitelists, NodeLab.Tenant + ".tsv");
        PrivateFile.Write(whitelist, whitelistTsv);
        var profiles = PrivateFile.CreateDirectory(Path.Combine(Directory, "profiles"));
        var profile = Path.Combine(profiles, LabAssets.KernelRelease + ".json");
        if (!File.Exists(profile))
        {
            KernelProfileSerializer.Save(LabProfiles.Built, profile);
            PrivateFile.Restrict(profile);
        }

        var vms = PrivateFile.CreateDirectory(Node2VmsDirectory);
        var config = Path.Combine(Directory, "alsafe.conf");
        PrivateFile.Write(config, NodeDaemonConfigText.Daemon(node2 with { NodeName = Node2Name, MigrationKey = MigrationKeyPath },
            new NodeDaemonConfigText.Places(vms, whitelists, profiles, NodeLab.Bridge, Node2Ovs.ManagementSocket,
                OvsdbServerControl.DatabaseSocket(Node2Ovs), Node1.Edge.EdgeAddress, Node1.Edge.ClientKeyPath, Node1.Edge.KnownHostsPath,
                NodeLab.ProtectedPrefixes)));
        return (first, new NodeLabDaemonFiles(config, whitelists, whitelist, vms, profiles, new Dictionary<string, string>()));
    }

    /// <summary>Where node 2's daemon expects the migrated guest's descriptor (vms.d/lab1.conf).</summary>
    public string DestinationDescriptorPath => Path.Combine(Node2VmsDirectory, NodeLab.GuestVm + ".conf");

    /// <summary>Creates the destination's tap on node 2's bridge, at the guest's port number and with its alsafe-vm id
    /// and MAC, as a hypervisor plugs an incoming VM's NIC in before the VM arrives.</summary>
    public Task AddDestinationTapAsync(CancellationToken cancellationToken) =>
        Node2Network.AddTapAsync(NodeLab.GuestTap, NodeLab.GuestOfPort, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alsafe-vm"] = NodeLab.GuestVm,
            ["attached-mac"] = NodeLab.GuestMac.ToString(),
        }, cancellationToken);

    /// <summary>
    /// Runs tcpdump on the guest's tap of each node that has one (both directions) around <paramref name="action"/> and
    /// returns how many packets matched <paramref name="tcpdumpFilter"/> on each: what leaves a tap towards the guest is
    /// what the guest receives. A tap deleted meanwhile (the source's, once its guest left) keeps what it saw until then.
    /// </summary>
    public async Task<(int Node1, int Node2)> CountGuestPacketsAsync(string tcpdumpFilter, Func<Task> action, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tcpdumpFilter);
        ArgumentNullException.ThrowIfNull(action);
        await using var first = await CaptureAsync(Node1.Network.Switch.Name, tcpdumpFilter, cancellationToken).ConfigureAwait(false);
        await using var second = await CaptureAsync(Node2Network.Switch.Name, tcpdumpFilter, cancellationToken).ConfigureAwait(false);
        await action().ConfigureAwait(false);
        await Task.Delay(CaptureSettle, cancellationToken).ConfigureAwait(false);
        return (first is null ? 0 : await first.StopAndCountAsync().ConfigureAwait(false),
                second is null ? 0 : await second.StopAndCountAsync().ConfigureAwait(false));
    }

    /// <summary>Tears node 1 down (its guest, edge, neighbour and switch), then node 2's ports and switch, then the
    /// directory. Every step runs even when one before it failed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        var failures = new List<Exception>();
        foreach (var part in new IAsyncDisposable?[] { _node1, _network2, _ovs2 })
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

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its kill may still hold a capture; a stale directory under /tmp is harmless.
        }

        if (failures.Count > 0)
            throw new AggregateException("tearing the two-node lab down", failures);
    }

    private async Task<TapCapture?> CaptureAsync(string networkNamespace, string filter, CancellationToken cancellationToken)
    {
        var exists = await NetCommand.RunAsync("ip", ["-n", networkNamespace, "link", "show", NodeLab.GuestTap], NetCommand.DefaultTimeout,
            cancellationToken).ConfigureAwait(false);
        if (!exists.Succeeded)
            return null;
        var file = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"tap-{Interlocked.Increment(ref _captures)}.pcap"));
        return await TapCapture.StartAsync(networkNamespace, NodeLab.GuestTap, filter, file, cancellationToken).ConfigureAwait(false);
    }

    // Created empty with mode 0600 first, so that the secret is never readable by others, not even for a moment.
    private void WriteMigrationKey()
    {
        PrivateFile.CreateZeros(MigrationKeyPath, 0);
        File.WriteAllBytes(MigrationKeyPath, RandomNumberGenerator.GetBytes(MigrationKeyBytes));
    }

    private static InvalidOperationException NotStarted() => new("the two-node lab is not (fully) started");
}
