namespace AlSafe.Interop.Ovsdb;

/// <summary>Where an <see cref="OvsdbPortWatcher"/> stands with the database.</summary>
/// <param name="Synchronized">True once its view matches the database; false while it is cut off (its bindings are
/// then the last ones it knew: the switch keeps forwarding with the flows it has while its database is away).</param>
/// <param name="Failure">What cut it off; null when synchronized.</param>
/// <param name="RetryIn">How long until the next attempt; null when synchronized.</param>
public sealed record OvsdbWatchStatus(bool Synchronized, Exception? Failure, TimeSpan? RetryIn);
