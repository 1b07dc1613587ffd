namespace AlSafe.Core.Adaptation;

/// <summary>Opens a VM's memory as its descriptor says. Kept apart from <see cref="AdaptationEngine"/> because opening
/// maps files and connects sockets (Interop), while the engine only decides when.</summary>
public interface IGuestConnector
{
    /// <exception cref="Exception">Any failure to open (a missing RAM file, a QMP socket that refuses): the VM's cycle
    /// fails and is retried with backoff.</exception>
    Task<IGuestIntrospection> OpenAsync(VmDescriptor descriptor, CancellationToken cancellationToken);
}
