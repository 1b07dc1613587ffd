using System.Collections.Concurrent;
using AlSafe.Core.Adaptation;

namespace AlSafe.Tests.Adaptation;

/// <summary>Opens each VM's <see cref="ScriptedGuest"/>, made on first use with an empty connection list.</summary>
internal sealed class ScriptedGuestConnector : IGuestConnector
{
    private readonly ConcurrentDictionary<string, ScriptedGuest> _guests = new(StringComparer.Ordinal);

    public ScriptedGuest this[string vm] => _guests.GetOrAdd(vm, _ => new ScriptedGuest());

    public Task<IGuestIntrospection> OpenAsync(VmDescriptor descriptor, CancellationToken cancellationToken)
    {
        var guest = this[descriptor.Name];
        guest.Opened();
        return Task.FromResult<IGuestIntrospection>(guest);
    }
}
