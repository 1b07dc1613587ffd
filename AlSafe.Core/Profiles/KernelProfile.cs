namespace AlSafe.Core.Profiles;

/// <summary>
/// Everything introspection needs to know about one kernel build: how to recognise it in guest memory (banner, build
/// id), where its globals live (link-time addresses, before KASLR) and the layout of the structs it walks.
/// </summary>
public sealed record KernelProfile
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>The uname release, e.g. <c>6.1.0-56-amd64</c>.</summary>
    public required string Release { get; init; }

    /// <summary>The exact bytes of <c>linux_banner</c> without its terminating NUL.</summary>
    public required string Banner { get; init; }

    /// <summary>The GNU build id of vmlinux in lower-case hex, or empty when the source did not carry one.</summary>
    public required string BuildId { get; init; }

    /// <summary>Where the profile came from: <c>btf+kallsyms</c>, <c>btf+system.map</c> or <c>isf</c>.</summary>
    public required string Source { get; init; }

    public required IReadOnlyDictionary<string, ulong> Symbols { get; init; }

    public required IReadOnlyDictionary<string, StructLayout> Types { get; init; }
}
