using System.Globalization;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// One running lab guest: the pinned Debian kernel and the lab initramfs under QEMU (tests/lab/guest.sh), its RAM in a
/// shared file for AL-SAFE to read, and the guest's own view (<see cref="GuestTruth"/>) to compare with.
/// </summary>
public sealed class LabGuest : IAsyncDisposable
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private const int TruthAttempts = 3;

    private readonly LabGuestOptions _options;
    private readonly LabGuestPaths _paths;
    private readonly SerialLog _log;
    private CommandChannel? _channel;
    private int _disposed;

    private LabGuest(LabGuestOptions options, LabGuestPaths paths)
    {
        _options = options;
        _paths = paths;
        _log = new SerialLog(paths.SerialLog);
    }

    /// <summary>The shared RAM file: at offsets below 2 GiB (q35) the offset is the guest physical address.</summary>
    public string MemoryPath => _paths.Memory;

    public string QmpSocket => _paths.Qmp;

    public ulong MemorySize => (ulong)_options.MemoryMiB * 1024 * 1024;

    public string Machine => _options.Machine;

    public string SerialLogPath => _paths.SerialLog;

    /// <summary>The truth printed once the boot settled (before any command).</summary>
    public GuestTruth Truth { get; private set; } = new([], -1);

    /// <summary>Fetches the kernel when it is not cached, builds the initramfs when its inputs changed, boots, and waits
    /// for the first truth. On failure the guest is stopped and the exception carries the console's tail.</summary>
    public static async Task<LabGuest> StartAsync(LabGuestOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(LabAssets.KernelImage) || !File.Exists(LabAssets.NetworkModule))
            await LabScript.RunAsync("fetch-kernel.sh", [], FetchTimeout, cancellationToken).ConfigureAwait(false);
        await LabScript.RunAsync("build-initramfs.sh", [], BuildTimeout, cancellationToken).ConfigureAwait(false);

        var paths = LabGuestPaths.Parse(
            await LabScript.RunAsync("guest.sh", ["paths", options.Name], ScriptTimeout, cancellationToken)
                .ConfigureAwait(false));
        var guest = new LabGuest(options, paths);
        try
        {
            await LabScript.RunAsync("guest.sh", StartArguments(options), ScriptTimeout, cancellationToken)
                .ConfigureAwait(false);
            // Safe to connect before the guest listens: nothing is sent until the first truth is out, and the guest
            // opens its end of the channel before printing it.
            guest._channel = await CommandChannel.ConnectAsync(paths.CommandSocket, cancellationToken)
                .ConfigureAwait(false);
            guest.Truth = await guest.WaitForFirstTruthAsync(cancellationToken).ConfigureAwait(false);
            return guest;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var tail = guest._log.Tail();
            await guest.DisposeAsync().ConfigureAwait(false);
            throw new LabException($"lab guest {options.Name} did not come up: {e.Message}\n--- serial log tail " +
                                   $"({paths.SerialLog}) ---\n{tail}", e);
        }
        catch
        {
            await guest.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Asks the guest to print its view again (e.g. after <see cref="RunAsync"/> changed it).</summary>
    public async Task<GuestTruth> RefreshTruthAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var seq = await Channel.RunAsync("truth", cancellationToken).ConfigureAwait(false);
            try
            {
                return TruthParser.TryParse(_log.ReadLines(), seq)
                       ?? throw new LabException($"the guest answered truth {seq} but printed none");
            }
            catch (LabException) when (attempt < TruthAttempts)
            {
                // A kernel message damaged a line of this block: the next block is very likely intact.
            }
        }
    }

    /// <summary>
    /// Runs one command-channel line in the guest and waits for it: "start MODE ARGS" (a new alsafe-guest socket owner
    /// that holds its sockets once this returns; modes in tests/lab/guest/alsafe-guest.c), "kill PID" (returns once
    /// the process is reaped), "sh COMMAND" or "truth". Throws when the command fails.
    /// </summary>
    public async Task RunAsync(string command, CancellationToken cancellationToken) =>
        await Channel.RunAsync(command, cancellationToken).ConfigureAwait(false);

    private CommandChannel Channel =>
        _channel ?? throw new ObjectDisposedException(nameof(LabGuest), "the guest is stopped or not started");

    private static List<string> StartArguments(LabGuestOptions options) =>
    [
        "start", options.Name,
        "--mem", options.MemoryMiB.ToString(CultureInfo.InvariantCulture),
        options.FiveLevelPaging ? "--la57" : "--no-la57",
        "--accel", options.Accelerator,
        "--machine", options.Machine,
        // A test host that dies without disposing still gets its guest stopped by guest.sh's watcher.
        "--owner", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        .. options.Tap is { } tap ? ["--tap", tap] : Array.Empty<string>(),
        .. options.NetworkNamespace is { } space ? ["--netns", space] : Array.Empty<string>(),
        .. options.Mac is { } mac ? ["--mac", mac.ToString()] : Array.Empty<string>(),
    ];

    private async Task<GuestTruth> WaitForFirstTruthAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.BootTimeout);
        try
        {
            while (true)
            {
                if (TruthParser.TryParse(_log.ReadLines(), 0) is { } truth)
                    return truth;
                if (!IsQemuRunning())
                    throw new LabException("QEMU exited during the boot");
                await Task.Delay(PollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LabException($"no truth on the console within {_options.BootTimeout}");
        }
        catch (LabException) when (IsQemuRunning())
        {
            // The boot truth was damaged by a kernel message; the command channel is up by now, so ask again.
            return await RefreshTruthAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsQemuRunning()
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(_paths.PidFile).Trim(), CultureInfo.InvariantCulture);
            return Directory.Exists($"/proc/{pid}");
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Stops QEMU and deletes the RAM file and sockets (guest.sh stop); the serial log stays.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (_channel is not null)
            await _channel.DisposeAsync().ConfigureAwait(false);
        _channel = null;
        await LabScript.RunAsync("guest.sh", ["stop", _options.Name], ScriptTimeout, CancellationToken.None)
            .ConfigureAwait(false);
    }
}
