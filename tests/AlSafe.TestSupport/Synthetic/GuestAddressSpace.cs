using AlSafe.Core.Profiles;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>The arithmetic between a synthetic kernel's link-time, runtime and physical addresses.</summary>
/// <param name="PhysicalBase">Guest-physical address of _text.</param>
/// <param name="Slide">KASLR offset of the kernel image.</param>
/// <param name="PageOffsetBase">Start of the direct map.</param>
internal sealed record GuestAddressSpace(KernelProfile Profile, ulong PhysicalBase, ulong Slide, ulong PageOffsetBase)
{
    /// <summary>__START_KERNEL_map: the kernel image mapping's virtual start.</summary>
    public const ulong StartKernelMap = 0xFFFF_FFFF_8000_0000;

    private ulong Text => Profile.Symbols["_text"];

    /// <summary>The kernel's phys_base: what turns an image virtual address into a physical one.</summary>
    public ulong PhysBase => unchecked(PhysicalBase - (Text + Slide - StartKernelMap));

    public ulong SymbolPhysical(string symbol) => unchecked(Profile.Symbols[symbol] - Text + PhysicalBase);

    public ulong SymbolRuntime(string symbol) => unchecked(Profile.Symbols[symbol] + Slide);

    /// <summary>The runtime virtual address of a physical address inside the kernel image.</summary>
    public ulong ImageVirtual(ulong physical) => unchecked(physical - PhysicalBase + Text + Slide);

    /// <summary>The direct-map virtual address of a physical address, where slab objects are reached.</summary>
    public ulong DirectVirtual(ulong physical) => unchecked(PageOffsetBase + physical);
}
