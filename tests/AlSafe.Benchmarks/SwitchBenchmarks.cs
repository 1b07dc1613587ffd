using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.Switch;
using AlSafe.TestSupport.Ovs;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AlSafe.Benchmarks;

/// <summary>
/// How long a change takes to be committed on a real ovs-vswitchd (userspace datapath) holding a node's worth of
/// flows: through <see cref="SwitchFirewall"/> on the native OpenFlow connection, and the way an operator would do it,
/// one <c>ovs-ofctl --bundle add-flows</c> process per change of a file written beforehand. Both sides send the same
/// flows: the difference of one VM's change (one flow, a hundred flows) and a full resynchronisation of 1,000 VMs of
/// ten flows. Each side has a switch of its own, loaded alike. Needs root and Open vSwitch.
/// </summary>
[Config(typeof(InProcessShortConfig))]
[MedianColumn, MinColumn, MaxColumn]
public class SwitchBenchmarks
{
    private const string NativeSide = "native";
    private const string OfctlSide = "ofctl";

    private OvsInstance _ovs = null!;
    private SwitchFirewall _firewall = null!;
    private string[] _oneFiles = [];
    private string[] _hundredFiles = [];
    private string _resyncFile = "";
    private int _oneChanges;
    private int _hundredChanges;

    [GlobalSetup(Targets = [nameof(ApplyOneFlow), nameof(ApplyHundredFlows), nameof(ResynchronizeNode), nameof(ReconcileNode)])]
    public async Task StartNative()
    {
        ResetChanges();
        _ovs = await OvsInstance.StartAsync();
        _firewall = new SwitchFirewall(new SwitchFirewallOptions
        {
            ManagementSocket = _ovs.ManagementSocket,
            Bridge = _ovs.Bridge,
            ReconcileInterval = Timeout.InfiniteTimeSpan,
            RequestTimeout = TimeSpan.FromSeconds(30),
        });
        await _firewall.StartAsync(CancellationToken.None);
        foreach (var plan in SwitchBenchmarkPlans.Node.Append(SwitchBenchmarkPlans.OneBefore).Append(SwitchBenchmarkPlans.HundredBefore))
        {
            await _firewall.ApplyAsync(plan, CancellationToken.None);
        }
    }

    [GlobalSetup(Targets = [nameof(OfctlOneFlow), nameof(OfctlHundredFlows), nameof(OfctlResynchronizeNode)])]
    public async Task StartOfctl()
    {
        ResetChanges();
        _ovs = await OvsInstance.StartAsync();
        _oneFiles = [Write("one-forward", Diff(SwitchBenchmarkPlans.OneBefore, SwitchBenchmarkPlans.OneAfter)),
            Write("one-back", Diff(SwitchBenchmarkPlans.OneAfter, SwitchBenchmarkPlans.OneBefore))];
        _hundredFiles = [Write("hundred-forward", Diff(SwitchBenchmarkPlans.HundredBefore, SwitchBenchmarkPlans.HundredAfter)),
            Write("hundred-back", Diff(SwitchBenchmarkPlans.HundredAfter, SwitchBenchmarkPlans.HundredBefore))];
        var everything = SwitchBenchmarkPlans.Node.Prepend(FlowPlanner.BasePlan())
            .Append(SwitchBenchmarkPlans.OneBefore).Append(SwitchBenchmarkPlans.HundredBefore);
        _resyncFile = Write("resync", $"delete cookie=0x{RuleCookie.Base:x}/0x{RuleCookie.NamespaceMask:x}\n" +
            string.Concat(everything.Select(OfctlFormatter.Plan)));
        await OfctlBundleAsync(_resyncFile);
    }

    [GlobalCleanup]
    public async Task Stop()
    {
        if (_firewall is not null)
        {
            await _firewall.DisposeAsync();
        }

        await _ovs.DisposeAsync();
    }

    [Benchmark(Description = "1-flow change, SwitchFirewall.ApplyAsync")]
    [BenchmarkCategory(NativeSide)]
    public Task ApplyOneFlow() =>
        _firewall.ApplyAsync(_oneChanges++ % 2 == 0 ? SwitchBenchmarkPlans.OneAfter : SwitchBenchmarkPlans.OneBefore, CancellationToken.None);

    [Benchmark(Description = "100-flow change, SwitchFirewall.ApplyAsync")]
    [BenchmarkCategory(NativeSide)]
    public Task ApplyHundredFlows() =>
        _firewall.ApplyAsync(_hundredChanges++ % 2 == 0 ? SwitchBenchmarkPlans.HundredAfter : SwitchBenchmarkPlans.HundredBefore, CancellationToken.None);

    [Benchmark(Description = "full resync 1,000 VMs x 10 flows (bundle + read-back), SwitchFirewall")]
    [BenchmarkCategory(NativeSide)]
    public Task ResynchronizeNode() => _firewall.ResynchronizeAsync(CancellationToken.None);

    [Benchmark(Description = "reconcile 1,000 VMs x 10 flows in sync (read-back only), SwitchFirewall")]
    [BenchmarkCategory(NativeSide)]
    public Task ReconcileNode() => _firewall.ReconcileAsync(CancellationToken.None);

    [Benchmark(Description = "1-flow change, ovs-ofctl --bundle add-flows")]
    [BenchmarkCategory(OfctlSide)]
    public Task OfctlOneFlow() => OfctlBundleAsync(_oneFiles[_oneChanges++ % 2]);

    [Benchmark(Description = "100-flow change, ovs-ofctl --bundle add-flows")]
    [BenchmarkCategory(OfctlSide)]
    public Task OfctlHundredFlows() => OfctlBundleAsync(_hundredFiles[_hundredChanges++ % 2]);

    [Benchmark(Description = "full resync 1,000 VMs x 10 flows, ovs-ofctl --bundle add-flows")]
    [BenchmarkCategory(OfctlSide)]
    public Task OfctlResynchronizeNode() => OfctlBundleAsync(_resyncFile);

    // Each side's switch starts with the "before" plans: the first change of every case must be the forward one.
    private void ResetChanges() => (_oneChanges, _hundredChanges) = (0, 0);

    private static string Diff(FlowPlan before, FlowPlan after) => OfctlFormatter.Diff(FlowPlanDiff.Compute(before, after));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_ovs.Directory, name + ".flows");
        File.WriteAllText(path, text);
        return path;
    }

    private Task OfctlBundleAsync(string file) => _ovs.OfctlAsync("add-flows", "--bundle", file);

    /// <summary>In this process (no separate benchmark build on a loaded machine), few iterations: each one is a
    /// switch round trip or a process start, far above timer resolution.</summary>
    private sealed class InProcessShortConfig : ManualConfig
    {
        public InProcessShortConfig() =>
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(10));
    }
}
