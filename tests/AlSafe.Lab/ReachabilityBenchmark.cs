using AlSafe.Daemon.Cli;
using AlSafe.TestSupport.Lab;

namespace AlSafe.Lab;

/// <summary>
/// <c>bench-reachability</c>: the paper's question of Figures 6 and 9-13, how long a new service (or a new outbound
/// connection) waits before its first connection gets through, as a function of where in the introspection cycle it
/// starts, for several periods, with and without the switch's reports of new connections (<see cref="ReachabilityRun"/>).
/// Prints every sample, then one Markdown table; exit code 0 when every sample got through.
/// </summary>
internal static class ReachabilityBenchmark
{
    // Beyond the samples themselves: the lab's boot, each daemon's start, the settling after each period change.
    private static readonly TimeSpan Overhead = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(string[] args)
    {
        ReachabilityOptions options;
        try
        {
            options = ReachabilityOptions.Parse(args);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"bench-reachability: {e.Message}\n{ReachabilityOptions.Usage}").ConfigureAwait(false);
            return 2;
        }

        if (LabDaemonNode.Unsupported() is { } reason)
        {
            await Console.Error.WriteLineAsync($"bench-reachability: {reason}").ConfigureAwait(false);
            return 1;
        }

        var narrator = new Narrator(Console.Out);
        using var interruption = new Interruption(Bound(options));
        try
        {
            var samples = await ReachabilityRun.MeasureAsync(options, narrator, interruption.Token).ConfigureAwait(false);
            Console.WriteLine();
            Console.WriteLine(Table(samples));
            return samples.All(s => s.Reached is not null) ? 0 : 1;
        }
        catch (Exception e)
        {
            // Whatever broke, say what; the lab is torn down by then.
            var why = interruption.Token.IsCancellationRequested ? $" ({interruption.Reason})" : "";
            await Console.Error.WriteLineAsync($"bench-reachability: stopped{why}: {e}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The most the run may take: every sample at its bound, plus the lab's and the daemons' starts.</summary>
    private static TimeSpan Bound(ReachabilityOptions options)
    {
        var directions = (options.Inbound ? 1 : 0) + (options.Outbound ? 1 : 0);
        var perVariant = options.Periods.Select((p, i) => options.Samples[i] * directions * ReachabilityRun.SampleBound(p) * 1.5)
            .Sum(t => t.TotalSeconds);
        return Overhead + TimeSpan.FromSeconds(perVariant * options.FastPath.Count);
    }

    private static string Table(IReadOnlyList<ReachabilitySample> samples)
    {
        var rows = new List<string>
        {
            "| period | fast path | direction | samples | median | min | max | daemon's ALLOW logged (median, min-max) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        };
        foreach (var group in samples.GroupBy(s => (s.Period, s.FastPath, s.Inbound)))
        {
            var reached = SampleSummary.Of([.. group.Select(s => s.Reached)]);
            var verdict = SampleSummary.Of([.. group.Select(s => s.Verdict)]);
            var (period, fastPath, inbound) = group.Key;
            rows.Add($"| {period.TotalSeconds:0} s | {(fastPath ? "on" : "off")} | {(inbound ? "new service, in" : "new connection, out")} | " +
                     $"{reached.Count - reached.Failed} of {reached.Count} | {SampleSummary.Seconds(reached.Median)} | " +
                     $"{SampleSummary.Seconds(reached.Min)} | {SampleSummary.Seconds(reached.Max)} | " +
                     $"{SampleSummary.Seconds(verdict.Median)} ({SampleSummary.Seconds(verdict.Min)} - {SampleSummary.Seconds(verdict.Max)}) |");
        }

        return string.Join('\n', rows);
    }
}
