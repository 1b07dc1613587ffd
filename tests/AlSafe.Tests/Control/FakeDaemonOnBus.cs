using AlSafe.Daemon.Control;
using AlSafe.TestSupport.DBus;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Control;

/// <summary>A real dbus-daemon whose only restriction is the packaged policy, with a fake daemon behind the control
/// server: the fixture of the control API's tests.</summary>
public abstract class FakeDaemonOnBus
{
    protected const int Nobody = 65534;
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    protected static readonly string Policy = Path.Combine(LabAssets.RepositoryRoot, "packaging", "dbus", "org.alsafe.Daemon1.conf");

    private protected PrivateBus Bus { get; private set; } = null!;

    private protected FakeControl Control { get; private set; } = null!;

    private DBusControlServer? _server;

    [OneTimeSetUp]
    public async Task StartBus()
    {
        if (!PrivateBus.IsAvailable)
        {
            Assert.Ignore("dbus-daemon is not installed (tests/lab/install-deps.sh installs it)");
        }

        using var deadline = new CancellationTokenSource(Patience);
        Bus = await PrivateBus.StartAsync([Policy], deadline.Token);
        Control = new FakeControl();
        _server = await DBusControlServer.StartAsync(Control, Bus.Address);
    }

    [OneTimeTearDown]
    public async Task StopBus()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Bus?.Dispose();
    }
}
