namespace AlSafe.Core.Adaptation;

/// <summary>How the engine paces each VM's introspect-decide-enforce cycle.</summary>
/// <param name="Period">A VM's period unless its descriptor or the operator sets another.</param>
/// <param name="Concurrency">Cycles running at once: the node's cores are shared with the guests.</param>
/// <param name="CycleDeadline">The budget of one whole cycle; past it the cycle is cancelled and counts as failed.</param>
/// <param name="BackoffInitial">The wait after a VM's first failed cycle; it doubles per failure up to
/// <paramref name="BackoffMax"/>. The VM's last valid rules stay meanwhile.</param>
/// <param name="TriggerInterval">The least time between two cycles of one VM asked for by its traffic (a new
/// connection with no rule), so that a flood of SYNs cannot make a guest be read continuously.</param>
public sealed record AdaptationOptions(
    TimeSpan Period,
    int Concurrency,
    TimeSpan CycleDeadline,
    TimeSpan BackoffInitial,
    TimeSpan BackoffMax,
    TimeSpan TriggerInterval)
{
    public static AdaptationOptions Default { get; } = new(
        TimeSpan.FromSeconds(5), 2, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
}
