using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Edge;
using BenchmarkDotNet.Attributes;

namespace AlSafe.Benchmarks;

/// <summary>
/// Edge update latency (issue 5), against the edge lab's real sshd and nftables (needs root): one update replaces N
/// service elements with N others (deleting N and adding N, in one transaction), over the node's persistent SSH
/// connection, and the same transaction text through a fresh <c>ssh ... nft -f -</c> process per update, the paper's
/// way. Each invocation switches between the two sets, so every one is a real change. The elements are 100 services
/// per address (10,000 elements: as 100 VMs would have), since the kernel fills a concatenated interval set far more
/// slowly when thousands of elements share their first field. Run in process (<c>--inProcess</c>): each case's setup
/// starts its own lab.
/// </summary>
public class EdgeBenchmarks
{
    private EdgeLab _lab = null!;
    private EdgeFirewall _firewall = null!;
    private EdgeRuleSet[] _rules = null!;
    private string[] _scripts = null!;
    private int _next;

    [Params(1, 100, 10_000)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "fresh ssh per update")]
    public async Task FreshSsh()
    {
        var (exit, error) = await _lab.FreshSshNftAsync(_scripts[_next]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ssh ... nft -f - failed (exit {exit}): {error}");
        }

        _next ^= 1;
    }

    [Benchmark(Description = "persistent connection")]
    public async Task<EdgeUpdateResult> Persistent()
    {
        var result = await _firewall.ApplyAsync(_rules[_next]);
        if (result.Outcome != EdgeUpdateOutcome.Applied)
        {
            throw new InvalidOperationException($"the update was {result.Outcome}: {result.Error}");
        }

        _next ^= 1;
        return result;
    }

    private async Task SetupAsync()
    {
        _lab = await EdgeLab.StartAsync();
        var node = EdgeLab.Node("bench");
        _rules = [Services(Elements, firstPort: 1), Services(Elements, firstPort: 101)];
        _scripts = [EdgeScript.Update(node, _rules[1].Elements, _rules[0].Elements), EdgeScript.Update(node, _rules[0].Elements, _rules[1].Elements)];
        _firewall = new EdgeFirewall(_lab.Options() with { CommandTimeout = TimeSpan.FromSeconds(60) }, node);
        await _firewall.ApplyAsync(_rules[0]);
        _firewall.Start();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _firewall.WaitForSynchronizationAsync(deadline.Token);

        // The edge holds rule set 0: both ways first switch to rule set 1.
        _next = 1;
    }

    private static EdgeRuleSet Services(int count, int firstPort) => new("bench", Enumerable.Range(0, count).Select(i => new EdgeElement(
        TrafficDirection.In,
        IPAddress.Parse($"192.0.2.{1 + (i / 100)}"),
        SocketProtocol.Tcp,
        (ushort)(firstPort + (i % 100)),
        AddressPrefix.Create(IPAddress.Any, 0),
        PortRange.Any)));

    private async Task CleanupAsync()
    {
        await _firewall.DisposeAsync();
        await _lab.DisposeAsync();
    }
}
