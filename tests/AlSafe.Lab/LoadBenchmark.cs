using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using AlSafe.Daemon.Cli;
using AlSafe.TestSupport.Daemon;
using AlSafe.TestSupport.Ovs;

namespace AlSafe.Lab;

/// <summary>
/// <c>bench-load</c>: the daemon's CPU and memory on a node of 1, 20 or 100 VMs. Each node is synthetic guests in
/// tmpfs (<see cref="LoadNode"/>), a private Open vSwitch with their ports, switch-only enforcement and no control bus;
/// <c>alsafe run</c> starts as systemd would start it (<see cref="DaemonProcess"/>), and once it is READY and has
/// settled, /proc tells its CPU time and memory once a second for the window. The guests do not change, so after the
/// first sync each cycle introspects, decides and finds nothing to push: the steady cost of watching a node.
/// </summary>
public static class LoadBenchmark
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    /// <summary>Measures every node of <c>--runs</c> in turn and prints a Markdown table; 0 when every node was
    /// measured with all its VMs protected, 1 otherwise, 2 on a wrong command line.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--help"])
        {
            Console.WriteLine(LoadOptions.Usage);
            return 0;
        }

        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"bench-load: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        if (!OperatingSystem.IsLinux())
        {
            await Console.Error.WriteLineAsync("bench-load: needs Linux (/proc, Open vSwitch)").ConfigureAwait(false);
            return 1;
        }

        if (Unsupported() is { } reason)
        {
            await Console.Error.WriteLineAsync($"bench-load: {reason}").ConfigureAwait(false);
            return 1;
        }

        using var interrupted = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Let the node be torn down (switch daemons, tmpfs files) before the process ends.
            e.Cancel = true;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunAllAsync(options, interrupted.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("bench-load: interrupted; the node was torn down").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> RunAllAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var clockTicks = await LoadSampler.ClockTicksAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-load on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: guests of " +
            $"{options.Servers} server processes with 2 TCP sockets each, concurrency {options.Concurrency}, live introspection, " +
            $"switch only (no [edge]), [control] bus = none; {options.Settle.TotalSeconds:0} s settle after READY, " +
            $"then {options.Window.TotalSeconds:0} s sampled once a second"));
        var results = new List<LoadResult>();
        var failed = false;
        foreach (var run in options.Runs)
        {
            try
            {
                var result = await MeasureAsync(run, options, clockTicks, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                failed |= !result.Healthy || result.StopProblem is not null;
                Console.WriteLine($"{run}: {result.Row()}");
                if (options.SamplesDirectory is { } samples)
                {
                    var csv = Path.Combine(samples, $"load-{run}.csv");
                    await File.WriteAllTextAsync(csv, result.Csv(), cancellationToken).ConfigureAwait(false);
                }

                if (result.StopProblem is { } problem)
                {
                    await Console.Error.WriteLineAsync($"bench-load: node {run}: {problem}").ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or OvsException or IOException)
            {
                failed = true;
                await Console.Error.WriteLineAsync($"bench-load: node {run} not measured: {Tail(e.Message)}").ConfigureAwait(false);
            }
        }

        Console.WriteLine();
        Console.WriteLine(LoadResult.Header);
        foreach (var result in results)
        {
            Console.WriteLine(result.Row());
        }

        return failed ? 1 : 0;
    }

    [SupportedOSPlatform("linux")]
    private static async Task<LoadResult> MeasureAsync(LoadRun run, LoadOptions options, int clockTicks, CancellationToken cancellationToken)
    {
        Progress($"{run}: writing {run.Vms} guests and starting the switch");
        await using var node = await LoadNode.CreateAsync(run, options, cancellationToken).ConfigureAwait(false);
        var (image, profile) = node.Guest(node.Vms[0]);
        var guest = LoadGuestCheck.Run(node.Vms[0], image, profile, LoadGuest.Whitelist(options.Servers));
        Progress($"{run}: {node.Vms[0]} holds {guest}; images {node.ImageBytes / (1024.0 * 1024):0.0} MiB in all; " +
                 "starting alsafe run");

        var started = Stopwatch.GetTimestamp();
        await using var daemon = DaemonProcess.Start(node.ConfigPath);
        await daemon.WaitReadyAsync(ReadyTimeout).ConfigureAwait(false);
        var readyAfter = Stopwatch.GetElapsedTime(started);
        var sampler = new LoadSampler(daemon.Pid, node.GuestDirectory);
        var atReady = sampler.Read();
        var firstNotification = daemon.Notifications.ToList().FindIndex(n => n.Split('\n').Contains("READY=1"));
        Progress($"{run}: READY after {readyAfter.TotalSeconds:0.0} s; settling {options.Settle.TotalSeconds:0} s, " +
                 $"sampling {options.Window.TotalSeconds:0} s");

        await Task.Delay(options.Settle, cancellationToken).ConfigureAwait(false);
        var samples = new List<LoadSample> { sampler.Read() };
        using (var timer = new PeriodicTimer(SampleInterval))
        {
            for (var second = 0; second < (int)options.Window.TotalSeconds; second++)
            {
                await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                if (daemon.HasExited)
                {
                    throw new InvalidOperationException($"alsafe run exited during the window:\n{Tail(daemon.Stderr)}");
                }

                samples.Add(sampler.Read());
            }
        }

        var statuses = daemon.Notifications.Skip(firstNotification)
            .SelectMany(message => message.Split('\n'))
            .Where(line => line.StartsWith("STATUS=", StringComparison.Ordinal))
            .Select(line => line["STATUS=".Length..])
            .ToList();
        var stopProblem = await StopAsync(daemon).ConfigureAwait(false);
        return new LoadResult(run, readyAfter, atReady, samples, clockTicks, statuses, stopProblem);
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends; null when the daemon exited with 0 in time, else what went
    /// wrong with the end of its log (the measurement before it stands).</summary>
    private static async Task<string?> StopAsync(DaemonProcess daemon)
    {
        try
        {
            var exit = await daemon.StopAsync(StopTimeout).ConfigureAwait(false);
            return exit == 0 ? null : $"alsafe run exited with {exit} on SIGTERM; the end of its log:\n{Tail(daemon.Stderr)}";
        }
        catch (OperationCanceledException)
        {
            return $"alsafe run did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM (it is killed); " +
                   $"the end of its log:\n{Tail(daemon.Stderr)}";
        }
    }

    private static string? Unsupported()
    {
        if (Environment.UserName != "root")
        {
            return "needs root (a private Open vSwitch, the daemon's trusted files)";
        }

        if (!OvsInstance.IsInstalled())
        {
            return "Open vSwitch is not installed (tests/lab/install-deps.sh installs it)";
        }

        return File.Exists(Path.Combine(AppContext.BaseDirectory, "alsafe.dll"))
            ? null
            : $"no alsafe.dll beside {AppContext.BaseDirectory}: the project must reference AlSafe.Daemon";
    }

    /// <summary>The end of the daemon's log: where it says why it stopped.</summary>
    private static string Tail(string log)
    {
        var lines = log.Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 40)));
    }

    private static void Progress(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
}
