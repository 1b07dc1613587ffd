using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AlSafe.Interop.Qmp;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// The hypervisor's side of a live migration of the lab guest from node 1 to node 2 of a <see cref="TwoNodeLab"/>, with
/// QEMU's own migration under the guest's accelerator: the destination QEMU (tests/lab/guest.sh start NAME-dst
/// --incoming) on a tap of node 2's bridge with the guest's MAC and alsafe-vm id, its own RAM file and QMP socket; QMP
/// <c>migrate</c> on the source; and the source's end (its QEMU stopped, its port deleted). AL-SAFE's hand-off is not
/// here: tests/lab/migrate.sh (or the caller) does that around <see cref="MigrateAsync"/>. Once migrated, the guest's
/// command channel is the destination's (<see cref="RunAsync"/>).
/// </summary>
public sealed class GuestMigration : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan QmpTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly TwoNodeLab _lab;
    private readonly LabGuestPaths _paths;
    private CommandChannel? _channel;
    private int _disposed;

    private GuestMigration(TwoNodeLab lab, string name, LabGuestPaths paths)
    {
        _lab = lab;
        Name = name;
        _paths = paths;
    }

    /// <summary>The destination's guest.sh name: the source's name with "-dst".</summary>
    public string Name { get; }

    /// <summary>The destination's shared RAM file, the memory of node 2's descriptor.</summary>
    public string MemoryPath => _paths.Memory;

    /// <summary>The destination's QMP socket, the qmp of node 2's descriptor.</summary>
    public string QmpSocket => _paths.Qmp;

    /// <summary>The source's QMP socket, where <c>migrate</c> is issued.</summary>
    public string SourceQmpSocket => _lab.Node1.Guest.QmpSocket;

    /// <summary>Where the destination QEMU listens for the migration stream (a unix socket in its runtime directory).</summary>
    public string IncomingUri => "unix:" + Path.Combine(Path.GetDirectoryName(_paths.Qmp)!, "migrate.sock");

    /// <summary>Plugs the destination's tap into node 2's bridge and starts the destination QEMU, which waits for the
    /// migration stream.</summary>
    public static async Task<GuestMigration> StartDestinationAsync(TwoNodeLab lab, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var source = lab.GuestOptions;
        var name = source.Name + "-dst";
        var paths = LabGuestPaths.Parse(await LabScript.RunAsync("guest.sh", ["paths", name], ScriptTimeout, cancellationToken)
            .ConfigureAwait(false));
        var migration = new GuestMigration(lab, name, paths);
        await lab.AddDestinationTapAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LabScript.RunAsync("guest.sh",
            [
                "start", name,
                "--mem", source.MemoryMiB.ToString(CultureInfo.InvariantCulture),
                source.FiveLevelPaging ? "--la57" : "--no-la57",
                "--accel", source.Accelerator,
                "--machine", source.Machine,
                "--owner", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                "--tap", NodeLab.GuestTap,
                "--netns", lab.Node2Network.Switch.Name,
                "--mac", NodeLab.GuestMac.ToString(),
                "--incoming", migration.IncomingUri,
            ], ScriptTimeout, cancellationToken).ConfigureAwait(false);
            migration._channel = await CommandChannel.ConnectAsync(paths.CommandSocket, cancellationToken).ConfigureAwait(false);
            return migration;
        }
        catch
        {
            await migration.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>QMP <c>migrate</c> on the source, then <c>query-migrate</c> until it completed (the destination runs
    /// the guest from then on) or failed, within <paramref name="timeout"/>.</summary>
    public async Task<MigrationStatistics> MigrateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await using var qmp = await QmpClient.ConnectAsync(SourceQmpSocket, QmpTimeout, deadline.Token).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = IncomingUri }, QmpTimeout, deadline.Token).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var state = await qmp.ExecuteAsync("query-migrate", null, QmpTimeout, deadline.Token).ConfigureAwait(false);
                var status = state.TryGetProperty("status", out var value) ? value.GetString() : null;
                if (status == "completed")
                    return Statistics(state, clock.Elapsed);
                if (status is "failed" or "cancelled")
                    throw new LabException($"the migration {status}: {state}");
                await Task.Delay(PollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LabException($"the migration did not complete within {timeout}");
        }
    }

    /// <summary>The source's end once the guest left: its QEMU stopped (RAM file and sockets deleted) and its tap
    /// deleted from node 1's bridge, as the source hypervisor does.</summary>
    public async Task RemoveSourceAsync(CancellationToken cancellationToken)
    {
        await _lab.Node1.Guest.DisposeAsync().ConfigureAwait(false);
        await _lab.Node1.Network.RemovePortAsync(NodeLab.GuestTap, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one command-channel line in the migrated guest (see <see cref="LabGuest.RunAsync"/>).</summary>
    public async Task RunAsync(string command, CancellationToken cancellationToken)
    {
        var channel = _channel ?? throw new ObjectDisposedException(nameof(GuestMigration));
        await channel.RunAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the destination QEMU and deletes its RAM file and sockets (guest.sh stop).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (_channel is not null)
            await _channel.DisposeAsync().ConfigureAwait(false);
        _channel = null;
        await LabScript.RunAsync("guest.sh", ["stop", Name], ScriptTimeout, CancellationToken.None).ConfigureAwait(false);
    }

    private static MigrationStatistics Statistics(JsonElement state, TimeSpan elapsed)
    {
        static long Number(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;

        var transferred = state.TryGetProperty("ram", out var ram) ? Number(ram, "transferred") : 0;
        return new MigrationStatistics(TimeSpan.FromMilliseconds(Number(state, "total-time")),
            TimeSpan.FromMilliseconds(Number(state, "downtime")), transferred, elapsed);
    }
}
