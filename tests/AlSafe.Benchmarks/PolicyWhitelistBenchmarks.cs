using AlSafe.Core.Decisions;
using AlSafe.Core.Whitelist;
using BenchmarkDotNet.Attributes;

namespace AlSafe.Benchmarks;

/// <summary>
/// What a whitelist reload costs: parsing the tenant's file and compiling it for one VM. Paid when a file changes,
/// not per introspection, and independent of the guest, so it is measured apart from <see cref="PolicyBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class PolicyWhitelistBenchmarks
{
    private PolicyScenario _scenario = null!;

    [Params(10, 10_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup() => _scenario = new PolicyScenario(1, Lines);

    [Benchmark]
    public WhitelistParseResult Parse() => WhitelistParser.Parse(_scenario.WhitelistFile, PolicyScenario.File, PolicyScenario.Tenant);

    [Benchmark]
    public CompiledWhitelist Compile() => CompiledWhitelist.Compile(_scenario.Whitelist, PolicyScenario.VmName);
}
