namespace AlSafe.Lab;

/// <summary>One reading of a process from /proc.</summary>
/// <param name="At">When, on the sampler's clock.</param>
/// <param name="CpuTicks">utime + stime of every thread so far, in clock ticks.</param>
/// <param name="RssKiB">VmRSS: resident now, the process's own memory and the mapped file pages it touched.</param>
/// <param name="HwmKiB">VmHWM: the most VmRSS ever was, since the process started.</param>
/// <param name="AnonKiB">RssAnon: the resident heap, stacks and runtime data, the process's own.</param>
/// <param name="HostLoad">The host's 1-minute load average: how much else ran on the cores meanwhile.</param>
/// <param name="GuestKiB">The part of VmRSS that is the guests' RAM images, mapped read-only: the pages the walks
/// touched, shared with the guests (QEMU's own RAM on a real node), not the daemon's to free.</param>
internal sealed record LoadSample(
    TimeSpan At, long CpuTicks, long RssKiB, long HwmKiB, long AnonKiB, long GuestKiB, int Threads, double HostLoad);
