using AlSafe.Core.Rules.Switch;
using AlSafe.Daemon.Cli;
using AlSafe.TestSupport.Daemon;
using AlSafe.TestSupport.DBus;
using AlSafe.TestSupport.Lab;

namespace AlSafe.Lab;

/// <summary>
/// A node lab (<see cref="NodeLab"/>: the lab guest lab1 on a real Open vSwitch, the edge, the outside, the neighbour)
/// with a dbus-daemon of its own for the control API, a TCP server in the neighbour for the guest's outbound
/// connections (<see cref="GreetingServer"/>), and <c>alsafe run</c> started against it as systemd would start it. Disposal stops everything.
/// </summary>
internal sealed class LabDaemonNode : IAsyncDisposable
{
    /// <summary>Where the neighbour's server listens, for the guest's outbound connections.</summary>
    public const ushort NeighbourServerPort = 9000;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly string Policy = Path.Combine(LabAssets.RepositoryRoot, "packaging", "dbus", "org.alsafe.Daemon1.conf");

    private readonly PrivateBus _bus;
    private readonly NodeLab _lab;
    private readonly GreetingServer _server;
    private DaemonProcess? _daemon;

    private LabDaemonNode(PrivateBus bus, NodeLab lab, GreetingServer server)
    {
        _bus = bus;
        _lab = lab;
        _server = server;
    }

    public NodeLab Lab => _lab;

    public DaemonProcess Daemon => _daemon ?? throw new InvalidOperationException("the daemon is not running");

    /// <summary>The VM's switch flows (its cookie) as ovs-ofctl dumps them.</summary>
    public static string VmCookie(string vm) => $"cookie=0x{RuleCookie.ForVm(vm):x}/-1";

    /// <summary>Null when the node lab can run here, else why not.</summary>
    public static string? Unsupported() =>
        NodeLab.Unsupported() ?? (PrivateBus.IsAvailable ? null : "dbus-daemon is not installed (tests/lab/install-deps.sh installs it)");

    /// <summary>Builds the node; returns once the guest has booted and the neighbour's server listens.</summary>
    public static async Task<LabDaemonNode> StartAsync(LabGuestOptions guest, CancellationToken cancellationToken)
    {
        var bus = await PrivateBus.StartAsync([Policy], cancellationToken).ConfigureAwait(false);
        NodeLab? lab = null;
        try
        {
            lab = await NodeLab.StartAsync(new NodeLabOptions { Guest = guest }, cancellationToken).ConfigureAwait(false);
            var server = GreetingServer.Start(lab.Neighbour.Namespace.Path, NeighbourServerPort);
            return new LabDaemonNode(bus, lab, server);
        }
        catch
        {
            if (lab is not null)
            {
                await lab.DisposeAsync().ConfigureAwait(false);
            }

            bus.Dispose();
            throw;
        }
    }

    /// <summary>Writes alsafe.conf, the profile, the VM descriptor and <paramref name="whitelist"/> and starts
    /// <c>alsafe run</c>; <see cref="WaitReadyAsync"/> waits for its READY.</summary>
    /// <param name="configure">Changes the lab's defaults (a 2 s period, this node's bus).</param>
    public DaemonProcess StartDaemon(string whitelist, Func<NodeLabDaemonOptions, NodeLabDaemonOptions> configure)
    {
        if (_daemon is not null)
        {
            throw new InvalidOperationException("the daemon is already running");
        }

        var files = _lab.WriteDaemonConfig(whitelist, configure(new NodeLabDaemonOptions { BusAddress = _bus.Address }));
        _daemon = DaemonProcess.Start(files.ConfigPath, new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = _bus.Address });
        return _daemon;
    }

    /// <summary>Waits for the daemon's READY=1; throws with its stderr when it exits first or takes minutes.</summary>
    public Task WaitReadyAsync(CancellationToken cancellationToken) => Daemon.WaitReadyAsync(ReadyTimeout).WaitAsync(cancellationToken);

    /// <summary>SIGTERM, as systemctl stop sends; returns the daemon's exit code. A daemon still running after
    /// <see cref="StopTimeout"/> is killed, and that is a <see cref="TimeoutException"/> with the end of its log.</summary>
    public async Task<int> StopDaemonAsync()
    {
        var daemon = Daemon;
        _daemon = null;
        try
        {
            return await daemon.StopAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var tail = string.Join('\n', daemon.Stderr.TrimEnd().Split('\n').TakeLast(5));
            throw new TimeoutException($"alsafe run did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM and was killed; " +
                                       $"the end of its log:\n{tail}");
        }
        finally
        {
            await daemon.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs an <c>alsafe</c> control verb against the daemon over the node's bus, as the CLI does.</summary>
    public async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await ControlCommand.RunAsync(args[0], args[1..], output, output, _bus.Address).ConfigureAwait(false);
        return (code, output.ToString());
    }

    /// <summary>Every flow under the VM's cookie, as ovs-ofctl dump-flows prints them.</summary>
    public Task<string> VmFlowsAsync(string vm) => _lab.Ovs.OfctlAsync("dump-flows", VmCookie(vm));

    /// <summary>One of this node's edge sets (svc4, svc6, out4, out6) as nft lists it.</summary>
    public Task<string> EdgeSetAsync(string kind) => _lab.Edge.NftAsync("list", "set", "inet", "alsafe", $"{kind}_lab-node");

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync().ConfigureAwait(false);
            _daemon = null;
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _lab.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _bus.Dispose();
        }
    }
}
