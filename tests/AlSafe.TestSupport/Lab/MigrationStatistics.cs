namespace AlSafe.TestSupport.Lab;

/// <summary>What the source QEMU's <c>query-migrate</c> reported once a migration completed.</summary>
/// <param name="Total">From QMP <c>migrate</c> to completion, QEMU's own count (total-time).</param>
/// <param name="Downtime">How long the guest ran nowhere (downtime): the last copy of dirty pages and device state.</param>
/// <param name="TransferredBytes">RAM bytes sent (ram.transferred).</param>
/// <param name="Elapsed">The same span as <see cref="Total"/>, measured by the caller around QMP, with its polling.</param>
public sealed record MigrationStatistics(TimeSpan Total, TimeSpan Downtime, long TransferredBytes, TimeSpan Elapsed);
