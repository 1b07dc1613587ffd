using AlSafe.Core.Adaptation;
using AlSafe.Core.Introspection;
using AlSafe.Core.Introspection.Model;
using AlSafe.Interop.Memory;
using AlSafe.Interop.Qmp;

namespace AlSafe.Daemon.Runtime;

/// <summary>A VM's RAM mapped read-only, its QMP connection when the guest is paused around walks, and the introspector
/// that remembers where the guest's kernel is: what makes a cycle cost a millisecond instead of a search.</summary>
internal sealed class GuestChannel(MappedGuestMemory memory, QmpClient? qmp, Introspector introspector) : IGuestIntrospection
{
    private readonly QmpGuestPauser? _pauser = qmp is null ? null : new QmpGuestPauser(qmp);

    public Task<IntrospectionSnapshot> IntrospectAsync(CancellationToken cancellationToken) =>
        introspector.IntrospectAsync(memory, _pauser, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (qmp is not null)
        {
            await qmp.DisposeAsync().ConfigureAwait(false);
        }

        memory.Dispose();
    }
}
