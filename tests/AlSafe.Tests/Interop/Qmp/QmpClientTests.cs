using System.Text.Json;
using System.Text.Json.Nodes;
using AlSafe.Interop.Qmp;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Qmp;

/// <summary>The client against a real QEMU (q35, TCG, started with -S so that no guest code ever runs).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class QmpClientTests : RealQemuTests
{
    [Test]
    public void The_greeting_gives_QEMUs_version()
    {
        Assert.That(Client.QemuVersion, Is.GreaterThanOrEqualTo(new Version(4, 0, 0)));
        Assert.That(Client.IsConnected, Is.True);
    }

    [Test]
    public async Task Status_goes_from_prelaunch_to_running_to_paused(CancellationToken cancellationToken)
    {
        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("prelaunch"));

        await Client.ContAsync(cancellationToken);
        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("running"));

        await Client.StopAsync(cancellationToken);
        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("paused"));
    }

    [Test]
    public async Task Cont_and_stop_raise_RESUME_and_STOP_events(CancellationToken cancellationToken)
    {
        await Client.ContAsync(cancellationToken);
        await Client.StopAsync(cancellationToken);

        Assert.That(await NextEventAsync(cancellationToken), Is.EqualTo("RESUME"));
        Assert.That(await NextEventAsync(cancellationToken), Is.EqualTo("STOP"));
    }

    [Test]
    public void An_unknown_command_throws_CommandNotFound()
    {
        var e = Assert.ThrowsAsync<QmpException>(() => Client.ExecuteAsync("alsafe-no-such-command"))!;

        Assert.That(e.ErrorClass, Is.EqualTo("CommandNotFound"));
        Assert.That(e.Description, Does.Contain("alsafe-no-such-command"));
    }

    [Test]
    public async Task Bad_arguments_throw_and_leave_the_connection_usable(CancellationToken cancellationToken)
    {
        Assert.ThrowsAsync<QmpException>(() => Client.ExecuteAsync("human-monitor-command", new JsonObject { ["nope"] = 1 }));

        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("prelaunch"));
    }

    [Test]
    public async Task Concurrent_commands_each_get_their_own_answer(CancellationToken cancellationToken)
    {
        var commands = Enumerable.Range(0, 60).Select(i => (i % 3) switch
        {
            0 => "query-status",
            1 => "query-version",
            _ => "query-name",
        }).ToArray();

        var answers = await Task.WhenAll(commands.Select(c => Client.ExecuteAsync(c, cancellationToken: cancellationToken)));

        for (var i = 0; i < commands.Length; i++)
        {
            var expected = commands[i] switch
            {
                "query-status" => "status",
                "query-version" => "qemu",
                _ => null,
            };
            Assert.That(answers[i].ValueKind, Is.EqualTo(JsonValueKind.Object), commands[i]);
            if (expected is null)
            {
                Assert.That(answers[i].EnumerateObject().Any(p => p.Name is "status" or "qemu"), Is.False, commands[i]);
            }
            else
            {
                Assert.That(answers[i].TryGetProperty(expected, out _), Is.True, commands[i]);
            }
        }
    }

    [Test]
    public async Task Human_monitor_commands_return_their_output(CancellationToken cancellationToken)
    {
        Qemu.WriteRam(0x2000, BitConverter.GetBytes(0x0123_4567_89ab_cdefUL));

        var output = await Client.HumanMonitorCommandAsync("xp /1gx 0x2000", cancellationToken);

        Assert.That(output, Does.Contain("0x0123456789abcdef"));
    }

    private async Task<string> NextEventAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        return (await Client.Events.ReadAsync(limit.Token)).Name;
    }
}
