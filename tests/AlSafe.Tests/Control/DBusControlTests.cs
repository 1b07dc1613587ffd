using AlSafe.Core.Decisions;
using AlSafe.Daemon.Cli;
using AlSafe.Daemon.Control;
using AlSafe.TestSupport.DBus;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Control;

/// <summary>
/// The control API and its CLI verbs against a real dbus-daemon whose only restriction is the packaged policy, with a
/// fake daemon behind the server.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class DBusControlTests : FakeDaemonOnBus
{
    [Test]
    public async Task EachQueryRoundTrips()
    {
        using var client = await DBusControlClient.ConnectAsync(Bus.Address);

        Assert.That(await client.GetStatusAsync(), Is.EqualTo(FakeControl.Status));
        Assert.That(await client.ListVmsAsync(), Is.EqualTo(FakeControl.Vms));
        Assert.That(await client.GetConnectionsAsync("web1"), Is.EqualTo(FakeControl.Web1));
        Assert.That(await client.GetConnectionsAsync("db1"), Is.Empty);
    }

    [Test]
    public async Task ReloadAndSetPeriodReachTheDaemon()
    {
        using var client = await DBusControlClient.ConnectAsync(Bus.Address);
        var reloads = Control.Reloads;

        await client.ReloadAsync();
        await client.SetPeriodAsync("db1", 3600);

        Assert.That(Control.Reloads, Is.EqualTo(reloads + 1));
        Assert.That(Control.LastPeriod, Is.EqualTo(("db1", 3600u)));
    }

    [TestCase(0u)]
    [TestCase(3601u)]
    public async Task APeriodOutOfRangeIsRefusedBeforeTheDaemon(uint seconds)
    {
        using var client = await DBusControlClient.ConnectAsync(Bus.Address);
        var before = Control.LastPeriod;

        var e = await Refused(() => client.SetPeriodAsync("web1", seconds));

        Assert.That(e.Error, Is.EqualTo(ControlError.InvalidArgument));
        Assert.That(e.Message, Is.EqualTo($"period {seconds}s is out of range (1 to 3600 seconds)"));
        Assert.That(Control.LastPeriod, Is.EqualTo(before));
    }

    [Test]
    public async Task DaemonErrorsKeepTheirKindAndMessage()
    {
        using var client = await DBusControlClient.ConnectAsync(Bus.Address);

        var unknown = await Refused(() => client.GetConnectionsAsync("nope"));
        var period = await Refused(() => client.SetPeriodAsync("nope", 10));
        Control.ReloadFailure = "web.wl:3: bad port";
        try
        {
            var reload = await Refused(client.ReloadAsync);
            Assert.That((reload.Error, reload.Message), Is.EqualTo((ControlError.Failed, "web.wl:3: bad port")));
        }
        finally
        {
            Control.ReloadFailure = null;
        }

        Assert.That((unknown.Error, unknown.Message), Is.EqualTo((ControlError.UnknownVm, "no VM named 'nope'")));
        Assert.That((period.Error, period.Message), Is.EqualTo((ControlError.UnknownVm, "no VM named 'nope'")));
    }

    [Test]
    public async Task ErrorsTravelUnderOrgAlsafeErrorNames()
    {
        var result = await Bus.SendAsync(Call("GetConnections", "string:nope"), uid: null, CancellationToken.None);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Error, Does.Contain("org.alsafe.Error.UnknownVm: no VM named 'nope'"));
    }

    [Test]
    public async Task VerdictChangesReachASubscriber()
    {
        using var client = await DBusControlClient.ConnectAsync(Bus.Address);
        var received = new TaskCompletionSource<VerdictChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = await client.WatchVerdictsAsync(e => received.TrySetResult(e));
        var changed = FakeControl.Web1[1] with { Verdict = VerdictKind.Allow, Reason = "web.wl:7" };

        Control.Raise("web1", changed);
        var e = await received.Task.WaitAsync(Patience);

        Assert.That((e.Vm, e.Connection), Is.EqualTo(("web1", changed)));
    }

    [Test]
    public async Task StatusPrintsOneLinePerField()
    {
        var (code, output, error) = await Cli("status");

        Assert.That((code, error), Is.EqualTo((0, "")));
        Assert.That(output, Is.EqualTo("""
            version     0.1.0
            uptime      1d 2h 3m 4s
            vms         2
            last error  whitelist web.wl:3: bad port

            """));
    }

    [Test]
    public async Task VmsPrintsATable()
    {
        var (code, output, _) = await Cli("vms");

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Is.EqualTo("""
            VM    TENANT  PERIOD  STATE     LAST INTROSPECTION    ALLOWED  BLOCKED
            web1  acme    5s      running   2026-09-21 14:13:20Z  3        1
            db1   globex  60s     starting  never                 0        0

            """));
    }

    [Test]
    public async Task ConnectionsPrintsATable()
    {
        var (code, output, _) = await Cli("connections", "web1");

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Is.EqualTo("""
            PID  PROCESS  PROTO  LOCAL           REMOTE            VERDICT  EXE                  REASON
            412  nginx    tcp    10.0.0.5:80     *                 allow    /usr/sbin/nginx      web.wl:1
            977  nc       tcp    10.0.0.5:40000  203.0.113.9:4444  block    /usr/bin/nc.openbsd  no whitelist line allows it

            """));
    }

    [Test]
    public async Task ReloadAndPeriodConfirm()
    {
        Assert.That(await Cli("reload"), Is.EqualTo((0, "reloaded\n", "")));
        Assert.That(await Cli("period", "web1", "30"), Is.EqualTo((0, "web1: introspected every 30s\n", "")));
    }

    [TestCase("connections nope", "alsafe: no VM named 'nope'\n")]
    [TestCase("period nope 10", "alsafe: no VM named 'nope'\n")]
    [TestCase("period web1 0", "alsafe: period 0s is out of range (1 to 3600 seconds)\n")]
    public async Task RefusalsAreOneLineAndExitOne(string command, string message)
    {
        Assert.That(await Cli(command.Split(' ')), Is.EqualTo((1, "", message)));
    }

    [TestCase("period web1 soon")]
    [TestCase("connections")]
    [TestCase("status extra")]
    [TestCase("verdicts web1")]
    public void AWrongCommandLineIsAUsageError(string command)
    {
        Assert.ThrowsAsync<UsageException>(() => Cli(command.Split(' ')));
    }

    [Test]
    public async Task ADaemonThatIsNotOnTheBusIsOneLine()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var empty = await PrivateBus.StartAsync([Policy], deadline.Token);

        var (code, output, error) = await CliOn(empty.Address, "status");

        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Is.EqualTo("alsafe: the AL-SAFE daemon is not on the bus (org.alsafe.Daemon1 has no owner)\n"));
    }

    [Test]
    public async Task ABusThatCannotBeReachedIsOneLine()
    {
        var (code, _, error) = await CliOn("unix:path=/nonexistent/alsafe-bus", "vms");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.StartWith("alsafe: cannot reach the bus at unix:path=/nonexistent/alsafe-bus: "));
        Assert.That(error.TrimEnd('\n'), Does.Not.Contain('\n'));
    }

    [Test]
    public async Task ThePolicyLetsRootCallAndRefusesEveryoneElse()
    {
        var reloads = Control.Reloads;
        var root = await Bus.SendAsync(Call("GetStatus"), uid: null, CancellationToken.None);
        var nobody = await Bus.SendAsync(Call("GetStatus"), Nobody, CancellationToken.None);
        var nobodyReload = await Bus.SendAsync(Call("Reload"), Nobody, CancellationToken.None);

        Assert.That(root.Succeeded, Is.True, root.Error);
        Assert.That(root.Output, Does.Contain("string \"0.1.0\""));
        Assert.That(nobody.Succeeded, Is.False);
        Assert.That(nobody.Error, Does.Contain("org.freedesktop.DBus.Error.AccessDenied"));
        Assert.That(nobodyReload.Error, Does.Contain("org.freedesktop.DBus.Error.AccessDenied"));
        Assert.That(Control.Reloads, Is.EqualTo(reloads), "a refused call must never reach the daemon");
    }

    [Test]
    public async Task ThePolicyKeepsTheNameForRoot()
    {
        var owner = await Bus.SendAsync([
            "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.RequestName",
            "string:org.alsafe.Daemon1", "uint32:0",
        ], Nobody, CancellationToken.None);

        Assert.That(owner.Succeeded, Is.False);
        Assert.That(owner.Error, Does.Contain("org.freedesktop.DBus.Error.AccessDenied"));
    }

    /// <summary>
    /// Awaits the call rather than blocking on it as Assert.ThrowsAsync does: the client's replies are completed on the
    /// connection's own loop, and a test thread blocked on one starves it.
    /// </summary>
    private static async Task<ControlException> Refused(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (ControlException e)
        {
            return e;
        }

        throw new AssertionException("the call succeeded");
    }

    private static string[] Call(string method, params string[] arguments) =>
        ["--dest=org.alsafe.Daemon1", "/org/alsafe/Daemon1", "org.alsafe.Daemon1." + method, .. arguments];

    private Task<(int Code, string Output, string Error)> Cli(params string[] command) => CliOn(Bus.Address, command);

    private static async Task<(int Code, string Output, string Error)> CliOn(string address, params string[] command)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = await ControlCommand.RunAsync(command[0], command[1..], stdout, stderr, address);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
