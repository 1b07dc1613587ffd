namespace AlSafe.Lab;

/// <summary>One measurement of <c>bench-reachability</c>.</summary>
/// <param name="Offset">The random wait before the service (or connection) started.</param>
/// <param name="Reached">From the start until the handshake completed; null when it did not within the bound.</param>
/// <param name="Verdict">From the start until the daemon's ALLOW line for it was seen; null when it was not.</param>
internal sealed record ReachabilitySample(TimeSpan Period, bool FastPath, bool Inbound, TimeSpan Offset, TimeSpan? Reached, TimeSpan? Verdict);
