using System.Buffers.Binary;
using System.Text;
using AlSafe.Core.Introspection.Memory;
using AlSafe.Core.Introspection.Translation;
using AlSafe.Core.Profiles;

namespace AlSafe.Core.Introspection.Kernel;

/// <summary>
/// Finds which profile's kernel runs in the guest and where, from guest-physical memory alone. The banner is only a
/// first filter (any process can write those bytes into a page): a candidate is accepted once the kernel's own
/// variables agree with each other and with the page tables, and a rejected candidate does not stop the search.
/// </summary>
public static class KernelLocator
{
    private const ulong KernelAlign = 2UL << 20;
    private const ulong StartKernelMap = 0xFFFF_FFFF_8000_0000;

    /// <exception cref="IntrospectionException">KernelNotRecognised, with the reason of every rejected candidate.</exception>
    public static LocatedKernel Locate(IPhysicalMemory memory, IReadOnlyList<KernelProfile> profiles)
    {
        var reasons = new List<string>();
        foreach (var profile in profiles)
        {
            var banner = Encoding.ASCII.GetBytes(profile.Banner + "\0");
            var bannerOffset = unchecked(profile.Symbols["linux_banner"] - profile.Symbols["_text"]);
            var buffer = new byte[banner.Length];
            for (ulong candidate = 0; candidate + bannerOffset + (ulong)banner.Length <= memory.PhysicalLimit; candidate += KernelAlign)
            {
                if (!memory.TryRead(candidate + bannerOffset, buffer) || !buffer.AsSpan().SequenceEqual(banner))
                {
                    continue;
                }

                if (TryValidate(memory, profile, candidate, out var located, out var reason))
                {
                    return located;
                }

                reasons.Add($"{profile.Release} at 0x{candidate:x}: {reason}");
            }
        }

        var detail = reasons.Count == 0
            ? $"no banner of {profiles.Count} profile(s) ({string.Join(", ", profiles.Select(p => p.Release))}) found in guest memory"
            : string.Join("; ", reasons);
        throw new IntrospectionException(IntrospectionFault.KernelNotRecognised, $"kernel not recognised: {detail}");
    }

    /// <summary>Checks that the kernel of <paramref name="profile"/> sits at <paramref name="physicalBase"/>: cheap enough
    /// to repeat before every introspection, so a rebooted or replaced kernel is never walked with stale facts.</summary>
    public static bool TryValidate(
        IPhysicalMemory memory, KernelProfile profile, ulong physicalBase, out LocatedKernel located, out string reason)
    {
        located = null!;
        var text = profile.Symbols["_text"];
        ulong Phys(string symbol) => unchecked(profile.Symbols[symbol] - text + physicalBase);

        var levels = 4;
        if (profile.Symbols.ContainsKey("__pgtable_l5_enabled"))
        {
            if (!TryU32(memory, Phys("__pgtable_l5_enabled"), out var l5) || l5 > 1)
            {
                reason = "__pgtable_l5_enabled is unreadable or not 0/1";
                return false;
            }

            levels = l5 == 1 ? 5 : 4;
        }

        if (!TryU64(memory, Phys("page_offset_base"), out var pageOffsetBase)
            || !TryU64(memory, Phys("phys_base"), out var physBase)
            || !TryU64(memory, Phys("init_task") + profile.Types["task_struct"].Fields["real_parent"], out var initTaskRuntime)
            || !TryU32(memory, Phys("init_task") + profile.Types["task_struct"].Fields["pid"], out var initPid))
        {
            reason = "kernel variables lie outside guest RAM";
            return false;
        }

        var slide = unchecked(initTaskRuntime - profile.Symbols["init_task"]);
        var expectedPhysBase = unchecked(physicalBase - (text + slide - StartKernelMap));
        if (slide % KernelAlign != 0 || physBase != expectedPhysBase)
        {
            reason = $"phys_base 0x{physBase:x} disagrees with the image at 0x{physicalBase:x} and slide 0x{slide:x}";
            return false;
        }

        if (initPid != 0)
        {
            reason = $"init_task.pid is {initPid}, not 0";
            return false;
        }

        var pages = new PageTableWalker(memory, Phys("init_top_pgt"), levels);
        if (!pages.IsKernelCanonical(pageOffsetBase) || pageOffsetBase % (1UL << 30) != 0)
        {
            reason = $"page_offset_base 0x{pageOffsetBase:x} is not a 1 GiB-aligned kernel address";
            return false;
        }

        if (!Maps(pages, initTaskRuntime, Phys("init_task"))
            || !Maps(pages, unchecked(profile.Symbols["linux_banner"] + slide), Phys("linux_banner"))
            || !Maps(pages, unchecked(pageOffsetBase + Phys("init_task")), Phys("init_task")))
        {
            reason = "the page tables do not map the kernel image and the direct map where its variables say";
            return false;
        }

        located = new LocatedKernel(profile, physicalBase, slide, pageOffsetBase, levels, Phys("init_top_pgt"));
        reason = "";
        return true;
    }

    private static bool Maps(PageTableWalker pages, ulong virtualAddress, ulong physicalAddress) =>
        pages.TryTranslate(virtualAddress, out var pa) && pa == physicalAddress;

    private static bool TryU32(IPhysicalMemory memory, ulong address, out uint value)
    {
        Span<byte> b = stackalloc byte[4];
        var ok = memory.TryRead(address, b);
        value = ok ? BinaryPrimitives.ReadUInt32LittleEndian(b) : 0;
        return ok;
    }

    private static bool TryU64(IPhysicalMemory memory, ulong address, out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        var ok = memory.TryRead(address, b);
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
        return ok;
    }
}
