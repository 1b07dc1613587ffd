namespace AlSafe.TestSupport.Synthetic;

/// <summary>
/// Builds guest memory that an x86-64 Linux walker cannot tell from a running kernel of <see cref="SyntheticProfile"/>.
/// Defaults are an unrandomised 4-level guest: _text at 16 MiB physical, no slide, the direct map at
/// 0xffff888000000000 in 1 GiB pages.
/// </summary>
public sealed class SyntheticGuestBuilder
{
    private const ulong Align2MiB = 1UL << 21;
    private const ulong Align1GiB = 1UL << 30;

    // The image must end below the fixmap/module area that follows the 1 GiB kernel text mapping.
    private const ulong KernelTextEnd = 0xFFFF_FFFF_C000_0000;

    private readonly List<SyntheticProcess> _processes = [];
    private readonly HashSet<int> _pids = [0];
    private readonly List<string> _mounts = [];
    private int _levels = 4;
    private ulong _slide;
    private ulong _physicalBase = 16UL << 20;
    private ulong? _pageOffsetBase;
    private ulong _directMapPageSize = Align1GiB;
    private bool _withFiveLevelSymbol = true;

    public SyntheticGuestBuilder WithPagingLevels(int levels)
    {
        _levels = levels is 4 or 5
            ? levels
            : throw new ArgumentOutOfRangeException(nameof(levels), levels, "x86-64 paging has 4 or 5 levels");
        return this;
    }

    /// <summary>The KASLR offset of the kernel image: 2 MiB-aligned, keeping the image inside the text mapping.</summary>
    public SyntheticGuestBuilder WithKaslrSlide(ulong slide)
    {
        if (slide % Align2MiB != 0 || slide > KernelTextEnd - SyntheticProfile.ImageSize - SyntheticProfile.TextAddress)
        {
            throw new ArgumentOutOfRangeException(nameof(slide), $"0x{slide:x} is not a 2 MiB-aligned slide within the text mapping");
        }

        _slide = slide;
        return this;
    }

    /// <summary>Guest-physical address of _text, 2 MiB-aligned as the decompressor places it.</summary>
    public SyntheticGuestBuilder WithPhysicalBase(ulong physicalBase)
    {
        if (physicalBase % Align2MiB != 0 || physicalBase > 1UL << 30)
        {
            throw new ArgumentOutOfRangeException(nameof(physicalBase), $"0x{physicalBase:x} is not a 2 MiB-aligned address below 1 GiB");
        }

        _physicalBase = physicalBase;
        return this;
    }

    /// <summary>Start of the direct map (RANDOMIZE_MEMORY picks it 1 GiB-aligned); defaults to 0xffff888000000000 under
    /// 4-level and 0xff11000000000000 under 5-level paging.</summary>
    public SyntheticGuestBuilder WithPageOffsetBase(ulong pageOffsetBase)
    {
        if (pageOffsetBase % Align1GiB != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pageOffsetBase), $"0x{pageOffsetBase:x} is not 1 GiB-aligned");
        }

        _pageOffsetBase = pageOffsetBase;
        return this;
    }

    /// <summary>Maps the direct map with 2 MiB pages instead of 1 GiB ones.</summary>
    public SyntheticGuestBuilder WithDirectMap2MiBPages()
    {
        _directMapPageSize = Align2MiB;
        return this;
    }

    /// <summary>Describes a kernel built without 5-level paging support: the profile lacks __pgtable_l5_enabled.</summary>
    public SyntheticGuestBuilder WithoutFiveLevelSymbol()
    {
        _withFiveLevelSymbol = false;
        return this;
    }

    /// <summary>Mounts a filesystem at <paramref name="mountPoint"/>; exe paths below it cross the mount.</summary>
    public SyntheticGuestBuilder AddMount(string mountPoint)
    {
        _mounts.Add(mountPoint);
        return this;
    }

    public SyntheticGuestBuilder AddProcess(SyntheticProcess process)
    {
        if (process.Pid <= 0 || !_pids.Add(process.Pid))
        {
            throw new ArgumentException($"pid {process.Pid} is not positive or is already taken", nameof(process));
        }

        if (process.IsKernelThread && (process.ExePath is not null || process.Sockets.Count > 0))
        {
            throw new ArgumentException($"kernel thread {process.Pid} cannot have an exe or sockets", nameof(process));
        }

        _processes.Add(process);
        return this;
    }

    public SyntheticGuestBuilder AddProcess(int pid, string comm, uint uid, string exePath, params SyntheticSocket[] sockets) =>
        AddProcess(new SyntheticProcess(pid, comm) { Uid = uid, ExePath = exePath, Sockets = sockets });

    public SyntheticGuestBuilder AddKernelThread(int pid, string comm) =>
        AddProcess(new SyntheticProcess(pid, comm) { IsKernelThread = true });

    public SyntheticGuest Build()
    {
        if (_levels == 5 && !_withFiveLevelSymbol)
        {
            throw new InvalidOperationException("a kernel without __pgtable_l5_enabled cannot run with 5-level paging");
        }

        var pageOffsetBase = _pageOffsetBase ?? (_levels == 5 ? 0xFF11_0000_0000_0000 : 0xFFFF_8880_0000_0000);
        var lowestKernel = _levels == 5 ? 0xFF00_0000_0000_0000 : 0xFFFF_8000_0000_0000;
        if (pageOffsetBase < lowestKernel || pageOffsetBase >= GuestAddressSpace.StartKernelMap - (64UL << 30))
        {
            throw new InvalidOperationException($"page_offset_base 0x{pageOffsetBase:x} is not in the {_levels}-level kernel half below the image");
        }

        if (_processes.FirstOrDefault(p => !_pids.Contains(p.EffectiveParentPid)) is { } orphan)
        {
            throw new InvalidOperationException($"process {orphan.Pid}'s parent {orphan.EffectiveParentPid} was not added");
        }

        var options = new SyntheticGuestOptions(
            _levels, _slide, _physicalBase, pageOffsetBase, _directMapPageSize, _withFiveLevelSymbol);
        return SyntheticImageComposer.Compose(options, _processes, _mounts);
    }
}
