namespace AlSafe.Core.Introspection;

/// <summary>
/// Bounds on what one introspection accepts from guest memory. Guest data is hostile: every list, table and string
/// the walkers follow is capped by one of these, and the deadline bounds the whole walk.
/// </summary>
public sealed record IntrospectionLimits
{
    public static IntrospectionLimits Default { get; } = new();

    /// <summary>Thread-group leaders on the task list. Linux's pid_max tops out at 4,194,304.</summary>
    public int MaxTasks { get; init; } = 65_536;

    /// <summary>Slots of one fd table; a max_fds above this is refused rather than walked.</summary>
    public int MaxFdsPerTask { get; init; } = 65_536;

    /// <summary>Path components followed from a dentry up to the root (mount crossings included).</summary>
    public int MaxPathDepth { get; init; } = 256;

    /// <summary>Bytes of one path component; Linux's NAME_MAX.</summary>
    public int MaxNameLength { get; init; } = 255;

    /// <summary>Wall-clock budget for one introspection, pause included.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(2);
}
