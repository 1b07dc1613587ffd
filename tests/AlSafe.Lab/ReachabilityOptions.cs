using System.Globalization;
using AlSafe.Daemon.Cli;

namespace AlSafe.Lab;

/// <summary>The command line of <c>bench-reachability</c>.</summary>
/// <param name="Periods">Introspection periods, in seconds.</param>
/// <param name="Samples">Samples per period and direction, one for each of <paramref name="Periods"/>.</param>
/// <param name="FastPath">The variants measured, in order: true with the switch's reports of new connections (the
/// daemon introspects at once), false with them removed from the switch (periodic introspection only).</param>
/// <param name="Seed">Seeds the random start offsets, so that a run can be repeated.</param>
internal sealed record ReachabilityOptions(
    IReadOnlyList<int> Periods,
    IReadOnlyList<int> Samples,
    IReadOnlyList<bool> FastPath,
    bool Inbound,
    bool Outbound,
    int Seed)
{
    /// <summary>Every inbound sample has a port of its own in this range, so that no rule left by one meets the next.</summary>
    public const ushort FirstPort = 7100;

    public const int MaxPeriodSeconds = 60;

    public const int MaxSamples = 20;

    public const string Usage = """
        usage: bench-reachability [--periods 1,5,15] [--samples 8,8,5] [--fast-path both|on|off] [--direction both|in|out]
                                  [--seed N]
          --periods    introspection periods in seconds (1 to 60), measured one after the other
          --samples    samples per period and direction: one number for all, or one per period
          --fast-path  on: the switch reports a new connection that meets no rule and the daemon introspects at once;
                       off: those reports are deleted from the switch, so only the periodic introspection adapts;
                       both (default): on, then off, each with a fresh daemon
          --direction  in: a new service in the guest, a client in the neighbour; out: a new connection from the guest
                       to a server in the neighbour; both (default)
          --seed       seed of the random start offsets (default: random, printed)
        Each sample sleeps a random 0..P, starts the service (or the connection) and times it until a TCP handshake
        completes, bounded by 3 P + 10 s. Needs root and the node lab's tools (tests/lab/install-deps.sh).
        """;

    /// <summary>All inbound samples of a run, which must fit the port range of the whitelist line.</summary>
    public int InboundSampleCount => Inbound ? Samples.Sum() * FastPath.Count : 0;

    public static ReachabilityOptions Parse(IReadOnlyList<string> args)
    {
        var o = new OptionReader(args, ["--periods", "--samples", "--fast-path", "--direction", "--seed"], []);
        if (o.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{o.Positional[0]}'");
        }

        var periods = Numbers(o, "--periods", "1,5,15", 1, MaxPeriodSeconds);
        var samples = Numbers(o, "--samples", o.Has("--periods") ? "5" : "8,8,5", 1, MaxSamples);
        if (samples.Count == 1)
        {
            samples = [.. Enumerable.Repeat(samples[0], periods.Count)];
        }
        else if (samples.Count != periods.Count)
        {
            throw new UsageException($"--samples has {samples.Count} numbers for {periods.Count} periods: give one, or one per period");
        }

        IReadOnlyList<bool> fastPath = (o.Value("--fast-path") ?? "both") switch
        {
            "both" => [true, false],
            "on" => [true],
            "off" => [false],
            var other => throw new UsageException($"--fast-path takes both, on or off, not '{other}'"),
        };
        var (inbound, outbound) = (o.Value("--direction") ?? "both") switch
        {
            "both" => (true, true),
            "in" => (true, false),
            "out" => (false, true),
            var other => throw new UsageException($"--direction takes both, in or out, not '{other}'"),
        };
        var seed = o.Int("--seed", Random.Shared.Next(1, int.MaxValue), 0, int.MaxValue);
        var options = new ReachabilityOptions(periods, samples, fastPath, inbound, outbound, seed);
        return options.InboundSampleCount <= 100
            ? options
            : throw new UsageException($"{options.InboundSampleCount} inbound samples: at most 100 fit ports {FirstPort}-{FirstPort + 99}");
    }

    private static List<int> Numbers(OptionReader o, string option, string fallback, int min, int max)
    {
        var numbers = new List<int>();
        foreach (var text in (o.Value(option) ?? fallback).Split(',', StringSplitOptions.TrimEntries))
        {
            numbers.Add(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new UsageException($"{option} takes whole numbers from {min} to {max}, not '{text}'"));
        }

        return numbers;
    }
}
