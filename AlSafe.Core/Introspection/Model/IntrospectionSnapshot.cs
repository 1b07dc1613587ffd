namespace AlSafe.Core.Introspection.Model;

/// <summary>The guest's processes and sockets at one moment, with how that view was obtained.</summary>
public sealed record IntrospectionSnapshot(
    GuestKernel Kernel,
    IReadOnlyList<GuestProcess> Processes,
    IntrospectionTimings Timings,
    bool Paused);
