namespace AlSafe.Interop.Ovsdb;

/// <summary>Limits and timers of an <see cref="OvsdbClient"/>.</summary>
public sealed record OvsdbClientOptions
{
    /// <summary>How long connecting, and each request given no timeout of its own, may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After this long without hearing from the server the client sends an echo, and ends the connection if
    /// the answer does not come within <see cref="Timeout"/>: a hung server is then noticed, not waited on forever.
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message accepted; a monitor's initial state of a few thousand interfaces is a few MiB.</summary>
    public int MaxMessageBytes { get; init; } = 64 << 20;

    /// <summary>How many update notifications a monitor holds for a reader that falls behind. Past that the monitor
    /// fails rather than drop one, since a dropped update would leave the reader's copy of the table wrong.</summary>
    public int MonitorBacklog { get; init; } = 4096;
}
