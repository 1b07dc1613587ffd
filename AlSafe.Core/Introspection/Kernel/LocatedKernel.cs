using AlSafe.Core.Profiles;

namespace AlSafe.Core.Introspection.Kernel;

/// <summary>A profile matched to a running guest, with the facts that turn link-time addresses into runtime ones.</summary>
/// <param name="PhysicalBase">Guest-physical address of _text.</param>
/// <param name="VirtualSlide">KASLR offset of the kernel image, wrapping.</param>
/// <param name="PageTableRoot">Guest-physical address of init_top_pgt.</param>
public sealed record LocatedKernel(
    KernelProfile Profile,
    ulong PhysicalBase,
    ulong VirtualSlide,
    ulong PageOffsetBase,
    int PagingLevels,
    ulong PageTableRoot)
{
    public ulong Runtime(string symbol) => unchecked(Profile.Symbols[symbol] + VirtualSlide);

    public ulong Physical(string symbol) => unchecked(Profile.Symbols[symbol] - Profile.Symbols["_text"] + PhysicalBase);
}
