using AlSafe.Core.Decisions;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Rules.Switch;
using BenchmarkDotNet.Attributes;

namespace AlSafe.Benchmarks;

/// <summary>
/// What judging one introspection and turning it into rules costs (issue 3): it runs after every introspection of
/// every VM, so it must stay far below the walk itself (about 0.6 ms paused, 0.24 ms live on the lab guest). The
/// whitelist is compiled once beforehand, as the daemon does on reload (see <see cref="PolicyWhitelistBenchmarks"/>).
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private PolicyScenario _scenario = null!;
    private VerdictEngine _engine = null!;
    private VerdictReport _report = null!;
    private FlowPlan _flows = null!;
    private EdgeRuleSet _edge = null!;
    private FlowPlan _nextFlows = null!;
    private EdgeRuleSet _nextEdge = null!;

    [Params(1, 100, 10_000)]
    public int Sockets { get; set; }

    [Params(10, 10_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scenario = new PolicyScenario(Sockets, Lines);
        _engine = new VerdictEngine(CompiledWhitelist.Compile(_scenario.Whitelist, PolicyScenario.VmName));
        _report = _engine.Decide(PolicyScenario.VmName, _scenario.Processes);
        (_flows, _edge) = Plan(_report);
        (_nextFlows, _nextEdge) = Plan(_engine.Decide(PolicyScenario.VmName, _scenario.NextProcesses));

        // The diffs are meant to measure the steady state, one new connection: one flow and one element added.
        var (flowDiff, edgeDiff) = Diff();
        if (flowDiff.Added.Count != 1 || flowDiff.Removed.Count != 0 || edgeDiff.Added.Count != 1 || edgeDiff.Removed.Count != 0)
        {
            throw new InvalidOperationException(
                $"the next introspection changes {flowDiff.Added.Count}+{flowDiff.Removed.Count} flows and {edgeDiff.Added.Count}+{edgeDiff.Removed.Count} elements, not one of each");
        }
    }

    /// <summary>The verdicts of one introspection: the per-introspection cost of the whitelist.</summary>
    [Benchmark]
    public VerdictReport Verdicts() => _engine.Decide(PolicyScenario.VmName, _scenario.Processes);

    [Benchmark]
    public (FlowPlan Flows, EdgeRuleSet Edge) GrantsAndPlans() => Plan(_report);

    /// <summary>Two consecutive plans differing by one socket: what each cycle sends to the switch and the edge.</summary>
    [Benchmark]
    public (FlowPlanDiff Flows, EdgeRuleSetDiff Edge) Diff() =>
        (FlowPlanDiff.Compute(_flows, _nextFlows), EdgeRuleSetDiff.Compute(_edge, _nextEdge));

    /// <summary>Everything after the walk: verdicts, grants, both plans and both diffs against the previous plans.</summary>
    [Benchmark]
    public (FlowPlanDiff Flows, EdgeRuleSetDiff Edge) WholeCycle()
    {
        var (flows, edge) = Plan(_engine.Decide(PolicyScenario.VmName, _scenario.NextProcesses));
        return (FlowPlanDiff.Compute(_flows, flows), EdgeRuleSetDiff.Compute(_edge, edge));
    }

    private (FlowPlan Flows, EdgeRuleSet Edge) Plan(VerdictReport report)
    {
        var grants = GrantBuilder.Build(_scenario.Vm, report);
        return (FlowPlanner.Plan(grants), EdgePlanner.Plan(grants));
    }
}
