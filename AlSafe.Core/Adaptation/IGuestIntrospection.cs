using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Adaptation;

/// <summary>One VM's memory, opened for repeated introspection. It keeps what makes the next walk cheap (the mapping,
/// the QMP connection, where the kernel was found) until it is disposed.</summary>
public interface IGuestIntrospection : IAsyncDisposable
{
    /// <exception cref="Introspection.IntrospectionException">The guest could not be read; the channel is then
    /// disposed and opened again for the next attempt.</exception>
    Task<IntrospectionSnapshot> IntrospectAsync(CancellationToken cancellationToken);
}
