using AlSafe.Interop.Qmp;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Qmp;

/// <summary>A fresh real QEMU (q35, TCG, started with -S so that no guest code ever runs) and a connected client per
/// test, torn down after it.</summary>
public abstract class RealQemuTests
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private protected TestQemu Qemu { get; private set; } = null!;

    protected QmpClient Client { get; private set; } = null!;

    [SetUp]
    public async Task StartQemuAsync()
    {
        Qemu = await TestQemu.StartAsync();
        Client = await QmpClient.ConnectAsync(Qemu.SocketPath, Timeout, CancellationToken.None);
    }

    [TearDown]
    public async Task StopQemuAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (Qemu is not null)
        {
            await Qemu.DisposeAsync();
        }
    }
}
