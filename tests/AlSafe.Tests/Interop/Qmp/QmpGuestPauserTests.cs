using AlSafe.Core.Introspection;
using AlSafe.Interop.Qmp;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Qmp;

[TestFixture]
[CancelAfter(60_000)]
public sealed class QmpGuestPauserTests : RealQemuTests
{
    [Test]
    public async Task A_running_guest_is_paused_and_resumed(CancellationToken cancellationToken)
    {
        await Client.ContAsync(cancellationToken);
        var pauser = new QmpGuestPauser(Client);

        await pauser.PauseAsync(cancellationToken);
        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("paused"));
        Assert.That(pauser.HoldsPause, Is.True);

        await pauser.ResumeAsync(cancellationToken);
        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("running"));
        Assert.That(pauser.HoldsPause, Is.False);
    }

    [Test]
    public async Task A_guest_paused_by_someone_else_stays_paused(CancellationToken cancellationToken)
    {
        await Client.ContAsync(cancellationToken);
        await Client.StopAsync(cancellationToken);
        var pauser = new QmpGuestPauser(Client);

        await pauser.PauseAsync(cancellationToken);
        Assert.That(pauser.HoldsPause, Is.False);
        await pauser.ResumeAsync(cancellationToken);

        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("paused"));
    }

    [Test]
    public async Task A_guest_not_yet_started_is_not_started(CancellationToken cancellationToken)
    {
        var pauser = new QmpGuestPauser(Client);

        await pauser.PauseAsync(cancellationToken);
        await pauser.ResumeAsync(cancellationToken);

        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("prelaunch"));
    }

    [Test]
    public async Task Resume_gives_the_guest_back_even_when_the_walk_was_cancelled(CancellationToken cancellationToken)
    {
        await Client.ContAsync(cancellationToken);
        var pauser = new QmpGuestPauser(Client);
        await pauser.PauseAsync(cancellationToken);

        Assert.CatchAsync<OperationCanceledException>(() => pauser.ResumeAsync(new CancellationToken(canceled: true)));

        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("running"));
    }

    [Test]
    public async Task A_guest_whose_memory_has_migrated_away_is_not_read(CancellationToken cancellationToken)
    {
        await Client.ExecuteAsync("migrate", new System.Text.Json.Nodes.JsonObject { ["uri"] = "exec:cat >/dev/null" },
            cancellationToken: cancellationToken);
        for (var i = 0; i < 200 && await Client.QueryStatusAsync(cancellationToken) != "postmigrate"; i++)
        {
            await Task.Delay(50, cancellationToken);
        }

        Assert.That(await Client.QueryStatusAsync(cancellationToken), Is.EqualTo("postmigrate"));
        var pauser = new QmpGuestPauser(Client);
        var refused = Assert.ThrowsAsync<IntrospectionException>(() => pauser.PauseAsync(cancellationToken));
        Assert.That(refused!.Fault, Is.EqualTo(IntrospectionFault.Hypervisor));
        Assert.That(refused.Message, Does.Contain("postmigrate"));
        Assert.That(pauser.HoldsPause, Is.False);
    }

    [Test]
    public async Task Pausing_twice_without_resuming_is_refused(CancellationToken cancellationToken)
    {
        await Client.ContAsync(cancellationToken);
        var pauser = new QmpGuestPauser(Client);
        await pauser.PauseAsync(cancellationToken);

        Assert.ThrowsAsync<InvalidOperationException>(() => pauser.PauseAsync(cancellationToken));

        await pauser.ResumeAsync(cancellationToken);
    }

    [Test]
    public async Task A_lost_QEMU_is_a_hypervisor_fault(CancellationToken cancellationToken)
    {
        var pauser = new QmpGuestPauser(Client);
        await Qemu.DisposeAsync();

        var e = Assert.ThrowsAsync<IntrospectionException>(() => pauser.PauseAsync(cancellationToken))!;

        Assert.That(e.Fault, Is.EqualTo(IntrospectionFault.Hypervisor));
    }
}
