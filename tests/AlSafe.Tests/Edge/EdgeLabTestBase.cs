using System.Collections.Concurrent;
using AlSafe.Core.Rules.Edge;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>
/// One edge lab per fixture (namespaces, nftables, sshd, socat servers); each test starts from an edge without
/// AL-SAFE's table, and every firewall a test makes is disposed after it, its log printed for a failing test.
/// </summary>
[Category("Lab")]
[NonParallelizable]
public abstract class EdgeLabTestBase
{
    private readonly List<(EdgeFirewall Firewall, ConcurrentQueue<string> Log)> _firewalls = [];

    protected EdgeLab Lab { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartLabAsync()
    {
        if (EdgeLab.Unsupported() is { } reason)
        {
            Assert.Ignore(reason);
        }

        Lab = await EdgeLab.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopLabAsync()
    {
        if (Lab is not null)
        {
            await Lab.DisposeAsync();
        }
    }

    [SetUp]
    public async Task ResetEdgeAsync() => await Lab.DeleteTableAsync();

    [TearDown]
    public async Task DisposeFirewallsAsync()
    {
        foreach (var (firewall, log) in _firewalls)
        {
            await firewall.DisposeAsync();
            if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            {
                TestContext.Out.WriteLine(string.Join('\n', log));
            }
        }

        _firewalls.Clear();
    }

    protected (EdgeFirewall Firewall, ConcurrentQueue<string> Log) NewFirewall(
        string node, Func<EdgeHostOptions, EdgeHostOptions>? adjust = null, EdgeNode? share = null)
    {
        var log = new ConcurrentQueue<string>();
        var options = Lab.Options();
        var firewall = new EdgeFirewall(adjust is null ? options : adjust(options), share ?? EdgeLab.Node(node), log.Enqueue);
        _firewalls.Add((firewall, log));
        return (firewall, log);
    }

    /// <summary>Starts the firewall and waits for its first full synchronization.</summary>
    protected static async Task StartAsync(EdgeFirewall firewall)
    {
        firewall.Start();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await firewall.WaitForSynchronizationAsync(deadline.Token);
    }

    /// <summary>Waits until a log line containing <paramref name="text"/> appears; returns it.</summary>
    protected static async Task<string> WaitForLogAsync(ConcurrentQueue<string> log, string text, int seconds = 20)
    {
        for (var waited = 0; waited < seconds * 20; waited++)
        {
            if (log.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"no log line containing '{text}' within {seconds} s; the log:\n{string.Join('\n', log)}");
        return string.Empty;
    }

    /// <summary>Asserts that the edge holds exactly the node's wanted elements in the node's sets, and that nothing of
    /// the node's share of the table differs from what it should be.</summary>
    protected async Task AssertEdgeHoldsExactlyAsync(EdgeFirewall firewall)
    {
        var state = await Lab.ReadTableAsync();
        var wanted = await firewall.WantedAsync(CancellationToken.None);
        var held = firewall.Node.SetNames.Take(4)
            .SelectMany(set => state.Sets.TryGetValue(set, out var found) ? found.Elements : [])
            .ToList();
        Assert.That(held, Is.EquivalentTo(wanted), $"the elements in node {firewall.Node.Name}'s sets");
        Assert.That(EdgeRepair.Compute(state, firewall.Node, wanted).Findings, Is.Empty, "what a repair would find");
    }
}
