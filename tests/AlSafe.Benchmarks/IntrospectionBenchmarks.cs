using AlSafe.Core.Introspection;
using AlSafe.Core.Introspection.Model;
using AlSafe.TestSupport.Synthetic;
using BenchmarkDotNet.Attributes;

namespace AlSafe.Benchmarks;

/// <summary>
/// One steady-state introspection (kernel already located, as for every poll after the first) of synthetic guests:
/// a lab-sized one, and 1,000 and 10,000 processes each holding two inet sockets, a unix socket and a
/// three-component executable path.
/// </summary>
[MemoryDiagnoser]
public class IntrospectionBenchmarks
{
    private SyntheticGuest _guest = null!;
    private Introspector _introspector = null!;

    [Params("lab-60", "processes-1000", "processes-10000")]
    public string Guest { get; set; } = "";

    [GlobalSetup]
    public void BuildGuest()
    {
        _guest = (Guest switch
        {
            "lab-60" => SyntheticScenarios.Lab(),
            "processes-1000" => SyntheticScenarios.Processes(1_000),
            "processes-10000" => SyntheticScenarios.Processes(10_000),
            _ => throw new ArgumentException($"unknown guest {Guest}"),
        }).Build();
        _introspector = new Introspector([_guest.Profile]);

        // The banner search runs once per guest; every later poll only revalidates, and that is what is measured.
        _introspector.Introspect(_guest.Memory);
    }

    [Benchmark]
    public IntrospectionSnapshot Introspect() => _introspector.Introspect(_guest.Memory);
}
