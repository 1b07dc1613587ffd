namespace AlSafe.TestSupport.Net;

/// <summary>
/// What a <see cref="TcpEchoStream"/> saw: how many chunks went round, the longest single round trip (for the record,
/// never a bound), and the first failure, if any: the connection closing, a wrong byte, or an echo that never came.
/// </summary>
public sealed record TcpEchoStreamSummary(long RoundTrips, long BytesEchoed, TimeSpan LongestRoundTrip, string? Failure);
