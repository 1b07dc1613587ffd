using System.Globalization;
using System.Text;
using AlSafe.Core.Configuration;

namespace AlSafe.Lab;

/// <summary>What one node's measurement found: the daemon's samples over the window, and how it got there.</summary>
/// <param name="AtReady">The reading when READY arrived: what the start (the first sync of every VM) cost.</param>
/// <param name="Samples">One reading a second over the window, the first at its start.</param>
/// <param name="Statuses">The daemon's STATUS lines from READY to the end of the window.</param>
/// <param name="StopProblem">How the daemon failed to stop cleanly on SIGTERM after the window; null when it did.</param>
internal sealed record LoadResult(
    LoadRun Run,
    TimeSpan ReadyAfter,
    LoadSample AtReady,
    IReadOnlyList<LoadSample> Samples,
    int ClockTicks,
    IReadOnlyList<string> Statuses,
    string? StopProblem)
{
    public const string Header =
        "| VMs | period | cycles/s asked | CPU % of one core: mean (max 1 s) | CPU per cycle (implied) | RSS median / max | VmHWM " +
        "| RssAnon median | guest pages median | threads | READY after (CPU to READY) | host load | every STATUS |\n" +
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    private const double KiBPerMiB = 1024;

    /// <summary>Every VM protected and none failing, the switch connected, in every status line: the VMs were cycled,
    /// not backed off.</summary>
    public bool Healthy
    {
        get
        {
            var expected = Invariant($"{Run.Vms} VMs, {Run.Vms} protected, 0 failing; switch connected");
            return Statuses.Count > 0 && Statuses.All(status => status.StartsWith(expected, StringComparison.Ordinal));
        }
    }

    public TimeSpan Window => Samples[^1].At - Samples[0].At;

    public double CpuSeconds => (Samples[^1].CpuTicks - Samples[0].CpuTicks) / (double)ClockTicks;

    public double CpuPercent => CpuPercentBetween(Samples[0], Samples[^1]);

    public double CpuPercentMax => Samples.Zip(Samples.Skip(1)).Max(pair => CpuPercentBetween(pair.First, pair.Second));

    /// <summary>CPU time per VM cycle if the engine ran every cycle it was asked for (the daemon counts none without
    /// its control bus); null when the period is longer than the window, so that no cycle may have run in it.</summary>
    public TimeSpan? CpuPerCycle => Run.Period > Window
        ? null
        : TimeSpan.FromSeconds(CpuSeconds / (Run.ConfiguredCyclesPerSecond * Window.TotalSeconds));

    public string Row()
    {
        var rss = Samples.Select(sample => sample.RssKiB).ToList();
        string[] cells =
        [
            Run.Vms.ToString(CultureInfo.InvariantCulture),
            ConfigurationValues.FormatDuration(Run.Period),
            Invariant($"{Run.ConfiguredCyclesPerSecond:0.###}"),
            Invariant($"{CpuPercent:0.00} % ({CpuPercentMax:0} %)"),
            CpuPerCycle is { } perCycle ? Invariant($"{perCycle.TotalMilliseconds:0.00} ms") : "no cycle in the window",
            Invariant($"{Median(rss) / KiBPerMiB:0.0} / {rss.Max() / KiBPerMiB:0.0} MiB"),
            Invariant($"{Samples[^1].HwmKiB / KiBPerMiB:0.0} MiB"),
            Invariant($"{Median(Samples.Select(sample => sample.AnonKiB)) / KiBPerMiB:0.0} MiB"),
            Invariant($"{Median(Samples.Select(sample => sample.GuestKiB)) / KiBPerMiB:0.0} MiB"),
            Samples[^1].Threads.ToString(CultureInfo.InvariantCulture),
            Invariant($"{ReadyAfter.TotalSeconds:0.0} s ({AtReady.CpuTicks / (double)ClockTicks:0.0} s)"),
            Invariant($"{Samples[0].HostLoad:0.0} to {Samples[^1].HostLoad:0.0}"),
            Healthy ? "all protected, 0 failing" : "NOT all protected: " + Statuses.LastOrDefault(),
        ];
        return $"| {string.Join(" | ", cells)} |";
    }

    /// <summary>The samples as CSV, one line a second: the CPU share is that of the second before the line.</summary>
    public string Csv()
    {
        var text = new StringBuilder("seconds,cpu_percent,rss_mib,anon_mib,guest_mib,threads,host_load\n");
        for (var i = 0; i < Samples.Count; i++)
        {
            var sample = Samples[i];
            var cpu = i == 0 ? 0 : CpuPercentBetween(Samples[i - 1], sample);
            text.Append(CultureInfo.InvariantCulture, $"{(sample.At - Samples[0].At).TotalSeconds:0.00},{cpu:0.0},")
                .Append(CultureInfo.InvariantCulture, $"{sample.RssKiB / KiBPerMiB:0.0},{sample.AnonKiB / KiBPerMiB:0.0},")
                .Append(CultureInfo.InvariantCulture, $"{sample.GuestKiB / KiBPerMiB:0.0},{sample.Threads},{sample.HostLoad:0.00}\n");
        }

        return text.ToString();
    }

    private double CpuPercentBetween(LoadSample first, LoadSample last) =>
        100 * (last.CpuTicks - first.CpuTicks) / (double)ClockTicks / (last.At - first.At).TotalSeconds;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;
    }
}
