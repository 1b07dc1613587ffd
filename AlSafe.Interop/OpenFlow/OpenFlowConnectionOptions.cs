namespace AlSafe.Interop.OpenFlow;

/// <summary>Settings of an <see cref="OpenFlowConnection"/>.</summary>
public sealed record OpenFlowConnectionOptions
{
    /// <summary>The lowest version accepted. Set <see cref="OpenFlowVersion.OpenFlow14"/> when bundles are needed:
    /// a switch that cannot do 1.4 is then refused at connect time rather than at the first bundle.</summary>
    public OpenFlowVersion MinVersion { get; init; } = OpenFlowVersion.OpenFlow13;

    public OpenFlowVersion MaxVersion { get; init; } = OpenFlowVersion.OpenFlow15;

    /// <summary>How long each request (and the connect handshake) may wait for its answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the connection sends its own ECHO_REQUEST; <see cref="Timeout.InfiniteTimeSpan"/> for never.</summary>
    public TimeSpan EchoInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many echoes in a row may go unanswered (each within one interval) before the switch is declared
    /// dead and every pending request fails.</summary>
    public int MissedEchoLimit { get; init; } = 3;

    /// <summary>How many unread asynchronous messages are kept before the oldest are dropped.</summary>
    public int AsyncMessageCapacity { get; init; } = 1024;

    internal void Validate()
    {
        if (MinVersion > MaxVersion || !Enum.IsDefined(MinVersion) || !Enum.IsDefined(MaxVersion))
        {
            throw new ArgumentException($"the version range {MinVersion}..{MaxVersion} is not within OpenFlow 1.3 to 1.5");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("the request timeout must be positive");
        }

        if (EchoInterval <= TimeSpan.Zero && EchoInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("the echo interval must be positive or infinite");
        }

        if (MissedEchoLimit < 1 || AsyncMessageCapacity < 1)
        {
            throw new ArgumentException("the missed echo limit and the async message capacity must be at least 1");
        }
    }
}
