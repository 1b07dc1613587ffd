using System.Threading.Channels;
using AlSafe.Core.Ports;
using AlSafe.Core.Rules;
using AlSafe.Interop.Ovsdb;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Ovsdb;

/// <summary>The port watcher against a real ovsdb-server and ovs-vswitchd (userspace datapath): ports plugged,
/// re-identified, renumbered and unplugged with ovs-vsctl, and the database killed and restarted under it.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class OvsdbPortWatcherTests
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1500);

    private OvsInstance? _ovs;
    private OvsdbPortWatcher? _watcher;
    private Channel<OvsdbWatchStatus> _status = null!;

    [SetUp]
    public void SetUp() => _status = Channel.CreateUnbounded<OvsdbWatchStatus>();

    [TearDown]
    public async Task TearDown()
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync();
        }

        if (_ovs is not null)
        {
            await _ovs.DisposeAsync();
        }
    }

    [Test]
    public async Task A_vm_port_is_added_rebound_renumbered_and_removed(CancellationToken cancellationToken)
    {
        var ovs = await StartOvsAsync(cancellationToken);
        var watcher = await StartWatcherAsync(ovs, cancellationToken);

        await ovs.VsctlAsync("add-port", ovs.Bridge, "vm1-tap", "--", "set", "interface", "vm1-tap", "type=internal",
            "external_ids:alsafe-vm=web1", "external_ids:attached-mac=52:54:00:00:00:01");
        var added = (VmPortAdded)await NextAsync(watcher, cancellationToken);

        await ovs.VsctlAsync("set", "interface", "vm1-tap", "external_ids:alsafe-vm=web2");
        var renamedAway = await NextAsync(watcher, cancellationToken);
        var renamedTo = await NextAsync(watcher, cancellationToken);

        await ovs.VsctlAsync("set", "interface", "vm1-tap", "ofport_request=77");
        var renumbered = await NextAsync(watcher, cancellationToken);

        await ovs.VsctlAsync("del-port", ovs.Bridge, "vm1-tap");
        var removed = await NextAsync(watcher, cancellationToken);

        Assert.That(added.Binding.Vm, Is.EqualTo("web1"));
        Assert.That(added.Binding.InterfaceName, Is.EqualTo("vm1-tap"));
        Assert.That(added.Binding.Bridge, Is.EqualTo(ovs.Bridge));
        Assert.That(added.Binding.OfPort, Is.GreaterThan(0).And.LessThan(VmPortResolver.MaxOfPort));
        Assert.That(added.Binding.Mac, Is.EqualTo(MacAddress.Parse("52:54:00:00:00:01")));
        Assert.That(renamedAway, Is.EqualTo(new VmPortRemoved(added.Binding)));
        Assert.That(renamedTo, Is.EqualTo(new VmPortAdded(added.Binding with { Vm = "web2" })));
        Assert.That(renumbered, Is.EqualTo(new VmPortMoved(added.Binding with { Vm = "web2" }, added.Binding with { Vm = "web2", OfPort = 77 })));
        Assert.That(removed, Is.EqualTo(new VmPortRemoved(added.Binding with { Vm = "web2", OfPort = 77 })));
        Assert.That(watcher.Bindings, Is.Empty);
        await ExpectQuietAsync(watcher, cancellationToken);
    }

    [Test]
    public async Task Only_vm_ports_on_the_watched_bridge_are_reported(CancellationToken cancellationToken)
    {
        var ovs = await StartOvsAsync(cancellationToken);
        var watcher = await StartWatcherAsync(ovs, cancellationToken);

        await ovs.VsctlAsync("add-port", ovs.Bridge, "plain-tap", "--", "set", "interface", "plain-tap", "type=internal");
        await ovs.VsctlAsync("add-br", "br-other", "--", "set", "bridge", "br-other", "datapath_type=netdev", "fail_mode=secure");
        await ovs.VsctlAsync("add-port", "br-other", "other-tap", "--", "set", "interface", "other-tap", "type=internal",
            "external_ids:alsafe-vm=elsewhere");
        await ovs.VsctlAsync("add-port", ovs.Bridge, "vm1-tap", "--", "set", "interface", "vm1-tap", "type=internal",
            "external_ids:alsafe-vm=web1");

        var added = (VmPortAdded)await NextAsync(watcher, cancellationToken);

        Assert.That(added.Binding.Vm, Is.EqualTo("web1"));
        await ExpectQuietAsync(watcher, cancellationToken);
        Assert.That(watcher.Bindings.Select(b => b.Vm), Is.EqualTo(new[] { "web1" }));
    }

    [Test]
    public async Task After_the_database_restarts_only_what_changed_meanwhile_is_reported(CancellationToken cancellationToken)
    {
        var ovs = await StartOvsAsync(cancellationToken);
        foreach (var n in new[] { 1, 2, 3 })
        {
            await ovs.VsctlAsync("add-port", ovs.Bridge, $"vm{n}-tap", "--", "set", "interface", $"vm{n}-tap", "type=internal",
                $"external_ids:alsafe-vm=web{n}");
        }

        var vm2Port = (await ovs.VsctlAsync("get", "port", "vm2-tap", "_uuid")).Trim();
        var watcher = await StartWatcherAsync(ovs, cancellationToken);
        var initial = new[] { await NextAsync(watcher, cancellationToken), await NextAsync(watcher, cancellationToken), await NextAsync(watcher, cancellationToken) };
        var before = watcher.Bindings;

        await OvsdbServerControl.KillAsync(ovs);
        var lost = await NextStatusAsync(cancellationToken);
        await OvsdbServerControl.TransactOfflineAsync(ovs, $$$"""
            ["Open_vSwitch",
             {"op": "mutate", "table": "Bridge", "where": [["name", "==", "{{{ovs.Bridge}}}"]],
              "mutations": [["ports", "delete", ["uuid", "{{{vm2Port}}}"]]]},
             {"op": "update", "table": "Interface", "where": [["name", "==", "vm3-tap"]],
              "row": {"external_ids": ["map", [["alsafe-vm", "web4"]]]}}]
            """, cancellationToken);
        await OvsdbServerControl.StartAsync(ovs, cancellationToken);
        OvsdbWatchStatus regained;
        do
        {
            regained = await NextStatusAsync(cancellationToken);
        }
        while (!regained.Synchronized);

        var changes = new[] { await NextAsync(watcher, cancellationToken), await NextAsync(watcher, cancellationToken), await NextAsync(watcher, cancellationToken) };

        Assert.That(initial, Has.All.TypeOf<VmPortAdded>());
        Assert.That(lost.Synchronized, Is.False);
        Assert.That(lost.Failure, Is.InstanceOf<OvsdbException>());
        var web3 = before.Single(b => b.Vm == "web3");
        Assert.That(changes, Is.EqualTo(new PortEvent[]
        {
            new VmPortRemoved(before.Single(b => b.Vm == "web2")),
            new VmPortRemoved(web3),
            new VmPortAdded(web3 with { Vm = "web4" }),
        }));
        await ExpectQuietAsync(watcher, cancellationToken);
        Assert.That(watcher.Bindings.Select(b => b.Vm), Is.EqualTo(new[] { "web1", "web4" }));
    }

    [Test]
    public async Task A_database_that_is_not_there_is_retried_with_growing_backoff(CancellationToken cancellationToken)
    {
        var options = new OvsdbPortWatcherOptions
        {
            Endpoint = OvsdbEndpoint.Unix($"/tmp/alsafe-no-such-dir-{Guid.NewGuid():N}/db.sock"),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(80),
            StatusChanged = status => _status.Writer.TryWrite(status),
        };
        var watcher = new OvsdbPortWatcher(options);
        watcher.Start();

        var retries = new List<TimeSpan?>();
        for (var i = 0; i < 5; i++)
        {
            var status = await NextStatusAsync(cancellationToken);
            Assert.That(status.Synchronized, Is.False);
            Assert.That(status.Failure, Is.InstanceOf<OvsdbException>());
            retries.Add(status.RetryIn);
        }

        await watcher.DisposeAsync();

        Assert.That(retries.Select(r => r!.Value.TotalMilliseconds), Is.EqualTo(new[] { 20.0, 40, 80, 80, 80 }));
        Assert.That(watcher.IsSynchronized, Is.False);
        Assert.That(watcher.Events.Completion.IsCompleted, Is.True);
    }

    private async Task<OvsInstance> StartOvsAsync(CancellationToken cancellationToken)
    {
        if (!OvsInstance.IsInstalled() || Environment.UserName != "root")
        {
            Assert.Ignore("needs Open vSwitch and root");
        }

        _ovs = await OvsInstance.StartAsync(cancellationToken: cancellationToken);
        return _ovs;
    }

    private async Task<OvsdbPortWatcher> StartWatcherAsync(OvsInstance ovs, CancellationToken cancellationToken)
    {
        _watcher = new OvsdbPortWatcher(new OvsdbPortWatcherOptions
        {
            Endpoint = OvsdbEndpoint.Unix(OvsdbServerControl.DatabaseSocket(ovs)),
            Bridge = ovs.Bridge,
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
            Client = new OvsdbClientOptions { KeepaliveInterval = TimeSpan.FromSeconds(1) },
            StatusChanged = status => _status.Writer.TryWrite(status),
        });
        _watcher.Start();
        var status = await NextStatusAsync(cancellationToken);
        Assert.That(status.Synchronized, Is.True, $"{status.Failure}");
        return _watcher;
    }

    /// <summary>The next event that binds, moves or unbinds; a port waiting for its number may come first.</summary>
    private static async Task<PortEvent> NextAsync(OvsdbPortWatcher watcher, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(EventTimeout);
        while (true)
        {
            var next = await watcher.Events.ReadAsync(deadline.Token);
            if (next is VmPortRefused refused)
            {
                Assert.Fail($"unexpected refusal: {refused}");
            }

            if (next is not VmPortPending)
            {
                return next;
            }
        }
    }

    private static async Task ExpectQuietAsync(OvsdbPortWatcher watcher, CancellationToken cancellationToken)
    {
        await Task.Delay(Quiet, cancellationToken);
        Assert.That(watcher.Events.TryRead(out var extra), Is.False, $"unexpected {extra}");
    }

    private async Task<OvsdbWatchStatus> NextStatusAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(EventTimeout);
        return await _status.Reader.ReadAsync(deadline.Token);
    }
}
