using AlSafe.Lab;

const string usage = """
    usage: AlSafe.Lab VERB [OPTIONS]   (dotnet run --project tests/AlSafe.Lab -c Release -- VERB ...)
      demo                the README's demo: the daemon on the node lab, narrated, with PASS/FAIL per step
      bench-reachability  time until a new service, or a new outbound connection, gets through (periods 1, 5, 15 s)
      bench-load          the daemon's CPU and memory on nodes of many synthetic VMs
    VERB --help prints a verb's options. Needs root.
    """;

return args switch
{
    ["demo", "--help"] => Help(Demo.Usage),
    ["demo", .. var rest] => await Demo.RunAsync(rest),
    ["bench-reachability", "--help"] => Help(ReachabilityOptions.Usage),
    ["bench-reachability", .. var rest] => await ReachabilityBenchmark.RunAsync(rest),
    ["bench-load", .. var rest] => await LoadBenchmark.RunAsync(rest),
    ["--help" or "-h" or "help"] => Help(usage),
    _ => Wrong(),
};

static int Help(string text)
{
    Console.WriteLine(text);
    return 0;
}

int Wrong()
{
    Console.Error.WriteLine(usage);
    return 2;
}
