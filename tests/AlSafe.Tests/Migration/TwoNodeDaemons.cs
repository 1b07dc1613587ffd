using AlSafe.Daemon.Cli;
using AlSafe.TestSupport.Daemon;
using AlSafe.TestSupport.DBus;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Migration;

/// <summary>
/// <c>alsafe run</c> on both nodes of a <see cref="TwoNodeLab"/>, each on a private dbus-daemon of its own (each daemon
/// owns org.alsafe.Daemon1, under the packaged bus policy), and the CLI pointed at either node's bus. Disposal prints
/// each daemon's log to the test's progress output, stops both and their buses.
/// </summary>
internal sealed class TwoNodeDaemons : IAsyncDisposable
{
    private static readonly string Policy = Path.Combine(LabAssets.RepositoryRoot, "packaging", "dbus", "org.alsafe.Daemon1.conf");
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly List<PrivateBus> _buses = [];
    private readonly List<DaemonProcess> _daemons = [];

    /// <summary>Node 1's bus (index 0) and node 2's (index 1).</summary>
    public IReadOnlyList<PrivateBus> Buses => _buses;

    public static string? Unsupported() =>
        TwoNodeLab.Unsupported() ?? (PrivateBus.IsAvailable ? null : "dbus-daemon is not installed (tests/lab/install-deps.sh installs it)");

    /// <summary>Writes both nodes' configuration with <paramref name="whitelistTsv"/> and returns once both daemons are
    /// READY.</summary>
    public static async Task<TwoNodeDaemons> StartAsync(TwoNodeLab lab, string whitelistTsv, CancellationToken cancellationToken)
    {
        var daemons = new TwoNodeDaemons();
        try
        {
            daemons._buses.Add(await PrivateBus.StartAsync([Policy], cancellationToken));
            daemons._buses.Add(await PrivateBus.StartAsync([Policy], cancellationToken));
            var (node1, node2) = lab.WriteDaemonConfigs(whitelistTsv,
                new NodeLabDaemonOptions { BusAddress = daemons._buses[0].Address },
                new NodeLabDaemonOptions { BusAddress = daemons._buses[1].Address });
            daemons._daemons.Add(DaemonProcess.Start(node1.ConfigPath));
            daemons._daemons.Add(DaemonProcess.Start(node2.ConfigPath));
            await Task.WhenAll(daemons._daemons.Select(d => d.WaitReadyAsync(ReadyTimeout)));
            return daemons;
        }
        catch
        {
            await daemons.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one CLI command (a control verb, or <c>vm ...</c>) against node 1 (0) or node 2 (1), in process.</summary>
    public async Task<(int Code, string Output, string Error)> RunCliAsync(int node, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var address = _buses[node].Address;
        var code = args[0] == "vm"
            ? await VmCommand.RunAsync(args[1..], TextReader.Null, stdout, stderr, address)
            : await ControlCommand.RunAsync(args[0], args[1..], stdout, stderr, address);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>As <see cref="RunCliAsync"/>, asserting that the command succeeded; returns its output.</summary>
    public async Task<string> CliAsync(int node, params string[] args)
    {
        var (code, output, error) = await RunCliAsync(node, args);
        Assert.That(code, Is.Zero, $"alsafe {string.Join(' ', args)} on node {node + 1}: {error}");
        return output;
    }

    /// <summary>The STATE column of <c>alsafe vms</c> for <paramref name="vm"/> on the node, or null when it is not listed.</summary>
    public async Task<string?> VmStateAsync(int node, string vm) =>
        (await CliAsync(node, "vms")).Split('\n').FirstOrDefault(l => l.StartsWith(vm + " ", StringComparison.Ordinal))?
            .Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 3 } columns ? columns[3] : null;

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _daemons.Count; i++)
        {
            TestContext.Progress.WriteLine($"--- node{i + 1} daemon ---\n{_daemons[i].Stderr}");
            await _daemons[i].DisposeAsync();
        }

        foreach (var bus in _buses)
        {
            bus.Dispose();
        }
    }
}
