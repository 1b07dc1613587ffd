using AlSafe.Daemon.Cli;

namespace AlSafe.Lab;

/// <summary>The command line of <c>bench-load</c>.</summary>
internal sealed record LoadOptions(
    IReadOnlyList<LoadRun> Runs,
    TimeSpan Window,
    TimeSpan Settle,
    int Servers,
    int Concurrency,
    string Directory,
    string? SamplesDirectory)
{
    /// <summary>The nodes (1 and 20 VMs, 100 at 5 s), each beside a baseline without cycles, and 100 VMs at the
    /// shortest period.</summary>
    public const string DefaultRuns = "1@1s,20@1h,20@1s,100@1h,100@5s,100@1s";

    public const string Usage = """
        usage: bench-load [--runs 1@1s,20@1h,20@1s,100@1h,100@5s,100@1s] [--seconds 60] [--settle 10]
                          [--servers 200] [--concurrency 2] [--directory /dev/shm] [--samples DIR]
          --runs         the nodes to measure, one after the other: VMS@PERIOD (each VM introspected every PERIOD;
                         a period longer than the window measures the node idle, for a baseline)
          --seconds      how long the daemon's CPU and memory are sampled, once a second, per node
          --settle       seconds between READY and the first sample (the start's one-off work is left out)
          --servers      server processes per synthetic guest, two TCP sockets each
          --concurrency  the daemon's [adaptation] concurrency
          --directory    where the guests' RAM images, profiles and the node's files go (tmpfs, as QEMU's shared RAM)
          --samples      also write each node's one-second samples to DIR/load-VMS@PERIOD.csv
        Needs root and Open vSwitch. Prints one table row per node.
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var o = new OptionReader(args, ["--runs", "--seconds", "--settle", "--servers", "--concurrency", "--directory", "--samples"], []);
        if (o.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{o.Positional[0]}'\n{Usage}");
        }

        var runs = new List<LoadRun>();
        foreach (var text in (o.Value("--runs") ?? DefaultRuns).Split(',', StringSplitOptions.TrimEntries))
        {
            runs.Add(LoadRun.Parse(text, out var error) ?? throw new UsageException($"--runs: {error}"));
        }

        var directory = o.Value("--directory") ?? "/dev/shm";
        if (!Path.IsPathRooted(directory) || !System.IO.Directory.Exists(directory))
        {
            throw new UsageException($"--directory: '{directory}' is not an existing absolute directory");
        }

        var samples = o.Value("--samples");
        if (samples is not null && !System.IO.Directory.Exists(samples))
        {
            throw new UsageException($"--samples: '{samples}' is not an existing directory");
        }

        return new LoadOptions(
            runs,
            TimeSpan.FromSeconds(o.Int("--seconds", 60, 5, 3600)),
            TimeSpan.FromSeconds(o.Int("--settle", 10, 0, 600)),
            o.Int("--servers", 200, 1, 5000),
            o.Int("--concurrency", 2, 1, 64),
            directory,
            samples);
    }
}
