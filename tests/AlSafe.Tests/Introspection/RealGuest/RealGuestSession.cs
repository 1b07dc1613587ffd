using AlSafe.Core.Introspection.Memory;
using AlSafe.Interop.Memory;
using AlSafe.Interop.Qmp;
using AlSafe.TestSupport.Lab;

namespace AlSafe.Tests.Introspection.RealGuest;

/// <summary>A booted lab guest with its RAM mapped and its QMP socket open, as AL-SAFE sees a VM.</summary>
public sealed class RealGuestSession : IAsyncDisposable
{
    private RealGuestSession(LabGuest guest, MappedGuestMemory memory, QmpClient qmp)
    {
        Guest = guest;
        Memory = memory;
        Qmp = qmp;
    }

    public LabGuest Guest { get; }

    public MappedGuestMemory Memory { get; }

    public QmpClient Qmp { get; }

    public static async Task<RealGuestSession> StartAsync(LabGuestOptions options, CancellationToken cancellationToken)
    {
        var guest = await LabGuest.StartAsync(options, cancellationToken);
        try
        {
            var memory = MappedGuestMemory.OpenRam(guest.MemoryPath, PhysicalLayout.Parse(guest.Machine, guest.MemorySize));
            var qmp = await QmpClient.ConnectAsync(guest.QmpSocket, TimeSpan.FromSeconds(10), cancellationToken);
            return new RealGuestSession(guest, memory, qmp);
        }
        catch
        {
            await guest.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Qmp.DisposeAsync();
        Memory.Dispose();
        await Guest.DisposeAsync();
    }
}
