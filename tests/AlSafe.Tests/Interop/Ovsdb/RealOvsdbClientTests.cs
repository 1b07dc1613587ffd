using System.Text.Json;
using System.Text.Json.Nodes;
using AlSafe.Interop.Ovsdb;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Ovsdb;

/// <summary>The client against a real ovsdb-server, with ovs-vswitchd running so that ports get numbers.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class RealOvsdbClientTests
{
    private OvsInstance _ovs = null!;
    private OvsdbEndpoint _endpoint = null!;

    [OneTimeSetUp]
    public async Task StartOvs()
    {
        if (!OvsInstance.IsInstalled() || Environment.UserName != "root")
        {
            Assert.Ignore("needs Open vSwitch and root");
        }

        _ovs = await OvsInstance.StartAsync();
        _endpoint = OvsdbEndpoint.Unix(OvsdbServerControl.DatabaseSocket(_ovs));
    }

    [OneTimeTearDown]
    public async Task StopOvs()
    {
        if (_ovs is not null)
        {
            await _ovs.DisposeAsync();
        }
    }

    [Test]
    public async Task The_server_lists_the_open_vswitch_database(CancellationToken cancellationToken)
    {
        await using var client = await OvsdbClient.ConnectAsync(_endpoint, cancellationToken: cancellationToken);

        Assert.That(await client.ListDbsAsync(cancellationToken), Does.Contain("Open_vSwitch"));
    }

    [Test]
    public async Task A_transaction_reads_and_sets_the_bridge_fail_mode(CancellationToken cancellationToken)
    {
        await using var client = await OvsdbClient.ConnectAsync(_endpoint, cancellationToken: cancellationToken);
        var where = new JsonArray(new JsonArray("name", "==", _ovs.Bridge));

        var selected = await client.TransactAsync("Open_vSwitch",
            [new JsonObject { ["op"] = "select", ["table"] = "Bridge", ["where"] = where.DeepClone(), ["columns"] = new JsonArray("fail_mode") }],
            cancellationToken);
        await client.TransactAsync("Open_vSwitch",
        [
            new JsonObject { ["op"] = "update", ["table"] = "Bridge", ["where"] = where.DeepClone(), ["row"] = new JsonObject { ["fail_mode"] = "standalone" } },
        ], cancellationToken);
        var after = await _ovs.VsctlAsync("get", "bridge", _ovs.Bridge, "fail_mode");
        await client.TransactAsync("Open_vSwitch",
        [
            new JsonObject { ["op"] = "update", ["table"] = "Bridge", ["where"] = where.DeepClone(), ["row"] = new JsonObject { ["fail_mode"] = "secure" } },
        ], cancellationToken);

        Assert.That(selected[0].GetProperty("rows")[0].GetProperty("fail_mode").GetString(), Is.EqualTo("secure"));
        Assert.That(after.Trim(), Is.EqualTo("standalone"));
    }

    [Test]
    public async Task A_refused_operation_carries_the_servers_error_and_details(CancellationToken cancellationToken)
    {
        await using var client = await OvsdbClient.ConnectAsync(_endpoint, cancellationToken: cancellationToken);

        var badColumn = Assert.ThrowsAsync<OvsdbException>(() => client.TransactAsync("Open_vSwitch",
            [new JsonObject { ["op"] = "insert", ["table"] = "Bridge", ["row"] = new JsonObject { ["no_such_column"] = 1 } }],
            cancellationToken))!;
        var badDatabase = Assert.ThrowsAsync<OvsdbException>(() => client.TransactAsync("No_Such_Db", [], cancellationToken))!;

        Assert.That(badColumn.Error, Is.Not.Null);
        Assert.That(badColumn.Message, Does.Contain("operation 0").And.Contain("no_such_column"));
        Assert.That(badDatabase.Message, Does.Contain("unknown database"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task A_monitor_sees_a_port_plugged_and_given_a_number(CancellationToken cancellationToken)
    {
        await using var client = await OvsdbClient.ConnectAsync(_endpoint, cancellationToken: cancellationToken);
        await using var monitor = await client.MonitorAsync("Open_vSwitch", "Interface", ["name", "ofport", "external_ids"], cancellationToken);

        await _ovs.VsctlAsync("add-port", _ovs.Bridge, "mon-tap", "--", "set", "interface", "mon-tap", "type=internal",
            "external_ids:alsafe-vm=mon1");
        long? ofPort = null;
        while (ofPort is null)
        {
            var batch = await monitor.Updates.ReadAsync(cancellationToken);
            ofPort = batch.Where(u => u.New is { } row && row.TryGetValue("name", out var name) && name.GetString() == "mon-tap" &&
                                      row.TryGetValue("ofport", out _))
                .Select(u => u.New!["ofport"].GetOptionalInteger()).LastOrDefault(o => o > 0);
        }

        await _ovs.VsctlAsync("del-port", _ovs.Bridge, "mon-tap");

        Assert.That(monitor.Initial.Select(u => u.New!["name"].GetString()), Does.Contain(_ovs.Bridge));
        Assert.That(ofPort, Is.GreaterThan(0));
    }

    [Test]
    public async Task The_client_keeps_a_quiet_connection_alive_with_echoes(CancellationToken cancellationToken)
    {
        var options = new OvsdbClientOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(5) };
        await using var client = await OvsdbClient.ConnectAsync(_endpoint, options, cancellationToken);

        await Task.Delay(TimeSpan.FromMilliseconds(800), cancellationToken);

        Assert.That(client.IsConnected, Is.True);
        Assert.That((await client.EchoAsync(cancellationToken)).ValueKind, Is.EqualTo(JsonValueKind.Array));
    }
}
