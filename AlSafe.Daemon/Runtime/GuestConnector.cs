using AlSafe.Core.Adaptation;
using AlSafe.Core.Introspection;
using AlSafe.Core.Profiles;
using AlSafe.Interop.Memory;
using AlSafe.Interop.Qmp;

namespace AlSafe.Daemon.Runtime;

/// <summary>Opens a VM's guest channel from its descriptor with the node's kernel profiles (or the one profile the
/// descriptor names) and the node's introspection mode and limits.</summary>
internal sealed class GuestConnector(Func<IReadOnlyList<KernelProfile>> profiles, bool live, IntrospectionLimits limits) : IGuestConnector
{
    private static readonly TimeSpan QmpConnectTimeout = TimeSpan.FromSeconds(5);

    public async Task<IGuestIntrospection> OpenAsync(VmDescriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var candidates = descriptor.ProfilePath is { } path ? [KernelProfileSerializer.Load(path)] : profiles();
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException("no kernel profile: build one with `alsafe profile build` into the profiles directory");
        }

        var memory = MappedGuestMemory.Open(descriptor.MemoryPath, descriptor.Layout);
        try
        {
            var pause = descriptor.QmpSocket is not null && !(descriptor.Live ?? live);
            QmpClient? qmp = null;
            if (pause)
            {
                try
                {
                    qmp = await QmpClient.ConnectAsync(descriptor.QmpSocket!, QmpConnectTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or TimeoutException)
                {
                    throw new IOException($"QMP socket {descriptor.QmpSocket}: {e.Message}", e);
                }
            }

            return new GuestChannel(memory, qmp, new Introspector(candidates, limits));
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }
}
