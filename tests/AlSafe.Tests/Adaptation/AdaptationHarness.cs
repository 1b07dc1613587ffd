using System.Collections.Concurrent;
using System.Net;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Ports;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;
using NUnit.Framework;

namespace AlSafe.Tests.Adaptation;

/// <summary>An engine wired to scripted guests, two recording enforcement points ("switch" and "edge") and a
/// recording observer, with the <see cref="WebGuest"/> whitelist in force.</summary>
internal sealed class AdaptationHarness : IAsyncDisposable
{
    /// <summary>How long a test waits for the engine to do something before it fails.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    public AdaptationHarness(AdaptationOptions options)
    {
        Whitelists.Apply([WhitelistParseResult.Valid(WebGuest.Whitelist)]);
        Switch = new RecordingEnforcementPoint("switch", Calls);
        Edge = new RecordingEnforcementPoint("edge", Calls);
        Engine = new AdaptationEngine(options, Whitelists, Guests, [Switch, Edge], Observer);
    }

    public WhitelistStore Whitelists { get; } = new();

    public ScriptedGuestConnector Guests { get; } = new();

    public RecordingObserver Observer { get; } = new();

    /// <summary>Every call on both points, in the order they were made.</summary>
    public ConcurrentQueue<PointCall> Calls { get; } = new();

    public RecordingEnforcementPoint Switch { get; }

    public RecordingEnforcementPoint Edge { get; }

    public IEnumerable<RecordingEnforcementPoint> Points => [Switch, Edge];

    public AdaptationEngine Engine { get; }

    /// <summary>Options for tests: everything short, except what a test wants long.</summary>
    public static AdaptationOptions Options(
        TimeSpan period,
        int concurrency = 2,
        TimeSpan? deadline = null,
        TimeSpan? backoffInitial = null,
        TimeSpan? backoffMax = null,
        TimeSpan? triggerInterval = null) =>
        new(period, concurrency, deadline ?? TimeSpan.FromSeconds(1), backoffInitial ?? TimeSpan.FromMilliseconds(10),
            backoffMax ?? TimeSpan.FromMilliseconds(50), triggerInterval ?? TimeSpan.FromMilliseconds(10));

    public static VmDescriptor Descriptor(string vm, params string[] addresses) =>
        new(vm, WebGuest.Tenant, $"/dev/shm/{vm}.ram", "q35", QmpSocket: null, Live: null, ProfilePath: null,
            [.. addresses.Select(IPAddress.Parse)], Period: null, $"/etc/alsafe/vms.d/{vm}.conf");

    public static VmPortBinding Binding(string vm, uint ofPort, string nic = "") =>
        new(vm, nic, $"tap-{vm}{nic}", "br-int", ofPort, new MacAddress(0x5254_0000_0000UL + ofPort), VmUuid: null, IfaceId: null);

    public Task DescribeAsync(CancellationToken cancellationToken, params VmDescriptor[] descriptors) =>
        Engine.SetDescriptorsAsync(descriptors.ToDictionary(d => d.Name, StringComparer.Ordinal), cancellationToken);

    public Task AddPortAsync(string vm, uint ofPort, CancellationToken cancellationToken) =>
        Engine.HandlePortEventAsync(new VmPortAdded(Binding(vm, ofPort)), cancellationToken);

    public Task RemovePortAsync(string vm, uint ofPort, CancellationToken cancellationToken) =>
        Engine.HandlePortEventAsync(new VmPortRemoved(Binding(vm, ofPort)), cancellationToken);

    /// <summary>The calls of one kind about one VM on one point, in order.</summary>
    public IReadOnlyList<PointCall> CallsOn(RecordingEnforcementPoint point, PointCallKind kind, string vm) =>
        [.. Calls.Where(call => call.Point == point.Name && call.Kind == kind && call.Vm == vm)];

    public VmStatus StatusOf(string vm) => Engine.Status(vm) ?? throw new AssertionException($"the engine does not know VM {vm}");

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test when it does not within
    /// <see cref="WaitLimit"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"waited {WaitLimit.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
