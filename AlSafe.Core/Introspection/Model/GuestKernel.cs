namespace AlSafe.Core.Introspection.Model;

/// <summary>What introspection established about the running kernel before it walked anything.</summary>
/// <param name="PhysicalBase">Guest-physical address of _text.</param>
/// <param name="VirtualSlide">Runtime minus link-time virtual address (the KASLR offset), wrapping.</param>
/// <param name="PageOffsetBase">Start of the direct map, randomised with RANDOMIZE_MEMORY.</param>
/// <param name="PagingLevels">4 or 5.</param>
public sealed record GuestKernel(
    string Release,
    string BuildId,
    string ProfileSource,
    ulong PhysicalBase,
    ulong VirtualSlide,
    ulong PageOffsetBase,
    int PagingLevels);
