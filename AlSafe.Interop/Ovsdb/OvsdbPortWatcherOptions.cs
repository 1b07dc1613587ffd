namespace AlSafe.Interop.Ovsdb;

/// <summary>Settings of an <see cref="OvsdbPortWatcher"/>.</summary>
public sealed record OvsdbPortWatcherOptions
{
    public OvsdbEndpoint Endpoint { get; init; } = OvsdbEndpoint.Default;

    /// <summary>The bridge whose VM ports are watched (the integration bridge); every bridge's when null. OpenFlow
    /// port numbers are per bridge, so a product setup names one.</summary>
    public string? Bridge { get; init; }

    public OvsdbClientOptions Client { get; init; } = new();

    /// <summary>The wait before the first reconnection; it doubles on each failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Told each time the watcher synchronizes or loses the database. Called on the watcher's own task; it
    /// must return quickly and not throw.</summary>
    public Action<OvsdbWatchStatus>? StatusChanged { get; init; }
}
